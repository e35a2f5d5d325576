"""The Minikube guide's quickstart, run as written (its sh and bash blocks)
against recording stand-ins for minikube, kubectl and helm, and compared with
what scripts/minikube-deploy.sh runs: the guide and the script cannot drift
apart. The PowerShell lines are checked to create the same Secret keys."""

import re

from conftest import APP_VERSION, ROOT

GUIDE = ROOT / "docs" / "MINIKUBE.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def section(title):
    text = GUIDE.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def blocks(text, *languages):
    return [body for language, body in FENCE.findall(text) if language in languages]


def quickstart():
    """The main path: the blocks before the first subsection."""
    return section("Quickstart").split("\n### ")[0]


def secret_keys(block):
    return re.findall(r"--from-literal=(\w+)=", block)


def run_guide(cluster):
    script = "\n".join(blocks(quickstart(), "sh", "bash"))
    result = cluster.run("bash", "-euo", "pipefail", "-c", script)
    assert result.returncode == 0, result.stderr
    return cluster.commands()


def run_script(cluster, tmp_path):
    settings = tmp_path / "none.env"
    settings.write_text("")
    result = cluster.run(str(ROOT / "scripts/minikube-deploy.sh"), "--env-file", str(settings))
    assert result.returncode == 0, result.stdout + result.stderr
    return cluster.commands()


def test_the_quickstart_runs_in_bash_and_deploys_like_the_script(cluster, tmp_path):
    guide = run_guide(cluster)
    guide_secret = cluster.secret()
    cluster.reset()
    script = run_script(cluster, tmp_path)
    script_secret = cluster.secret()

    def named(commands, *prefix):
        return [c for c in commands if c[:len(prefix)] == list(prefix)]

    builds = named(guide, "minikube", "image", "build")
    assert builds == named(script, "minikube", "image", "build")
    assert [b[b.index("-t") + 1] for b in builds] == [f"todo-backend:{APP_VERSION}", f"todo-frontend:{APP_VERSION}"]
    for prefix in (("kubectl", "create", "namespace"), ("helm", "upgrade"), ("helm", "test"), ("minikube", "service")):
        assert named(guide, *prefix) and named(guide, *prefix) == named(script, *prefix), prefix
    assert named(guide, "minikube", "start") == named(script, "minikube", "start")

    # The same Secret, generated the same way.
    assert set(guide_secret) == set(script_secret) == {"AUTH_SECRET", "POSTGRES_PASSWORD", "DATABASE_URL"}
    for secret in (guide_secret, script_secret):
        assert len(secret["AUTH_SECRET"]) >= 32 and len(secret["POSTGRES_PASSWORD"]) >= 32
        assert secret["DATABASE_URL"] == f'postgres://todo:{secret["POSTGRES_PASSWORD"]}@todo-chatbot-postgresql:5432/todo'
    # The Secret the chart is told to use is the one created.
    helm = named(guide, "helm", "upgrade")[0]
    assert "existingSecret=todo-chatbot-secrets" in helm and (ROOT / helm[helm.index("-f") + 1]).is_file()


def test_every_shell_gets_the_same_secret_keys():
    main = quickstart()
    (bash,), (powershell,) = blocks(main, "bash"), blocks(main, "powershell")
    assert secret_keys(bash) and secret_keys(bash) == secret_keys(powershell)
    assert "create namespace todo" in bash and "create namespace todo" in powershell
    others = section("Quickstart").split("\n### ")[1]
    (bash,), (powershell,) = blocks(others, "bash"), blocks(others, "powershell")
    assert secret_keys(bash) == secret_keys(powershell) and "DATABASE_URL" in secret_keys(bash)


def test_the_shell_neutral_blocks_need_no_shell_syntax():
    """PowerShell and cmd run these as written: one command per line, no
    variables, substitutions, continuations or quoting."""
    for block in blocks(section("Quickstart"), "sh"):
        for line in block.splitlines():
            assert not re.search(r"[$`\\'\"|&;<>]", line), line


def test_the_guide_covers_windows_and_the_tunnel():
    text = GUIDE.read_text()
    for needed in ("PowerShell", "cmd", "Administrator", "minikube tunnel", "keeps", "Ctrl+C", "never pulled",
                   "postgres:16.4-alpine", ".env.minikube"):
        assert needed in text, needed
    assert "nothing is pulled" not in text
