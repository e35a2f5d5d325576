"""Line endings: scripts, Dockerfiles, the chart and env files are read on
Linux, so they must stay LF in the repository and on every checkout,
including Git for Windows with core.autocrlf=true."""

import subprocess

from conftest import ROOT


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name]


def must_be_lf(name, head):
    return (name.endswith((".sh", ".py", ".yaml", ".yml", ".tpl", ".json", ".toml", ".txt", ".example"))
            or name in (".ci/run", ".gitattributes", ".dockerignore", ".gitignore")
            or name.startswith("Dockerfile")
            or head.startswith(b"#!"))


def test_no_tracked_script_or_text_file_that_linux_reads_has_a_carriage_return():
    checked = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the working tree
        content = path.read_bytes()
        if must_be_lf(name, content[:2]):
            assert b"\r" not in content, f"{name} has CR line endings"
            checked.append(name)
    assert ".ci/run" in checked and "scripts/minikube-deploy.sh" in checked and "Dockerfile.backend" in checked


def test_every_checkout_keeps_scripts_lf_whatever_core_autocrlf_says():
    names = [n for n in tracked_files() if n.endswith(".sh") or n == ".ci/run" or n.startswith("Dockerfile")]
    out = subprocess.run(["git", "check-attr", "eol", "--", *names], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    attributes = dict(line.rsplit(": eol: ", 1) for line in out.splitlines())
    assert attributes and all(value == "lf" for value in attributes.values()), attributes


def test_a_checkout_with_autocrlf_true_leaves_the_scripts_runnable(tmp_path):
    """A clone as Git for Windows makes it by default."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-local", "-c", "core.autocrlf=true", str(ROOT), str(clone)], check=True)
    for name in (".ci/run", "scripts/minikube-deploy.sh", "scripts/test.sh", "Dockerfile.backend"):
        assert b"\r" not in (clone / name).read_bytes(), name
