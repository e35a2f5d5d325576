"""The Minikube guide's quickstart, run as written (its sh and bash blocks)
against recording stand-ins for minikube, kubectl and helm, and compared with
what scripts/minikube-deploy.sh runs: the guide and the script cannot drift
apart. The PowerShell lines are checked to create the same Secret keys, and
every Secret the guide creates to hold the keys the pods of k8s/ (the chart
with existingSecret) cannot start without."""

import json
import re

import yaml

from conftest import APP_VERSION, ROOT

GUIDE = ROOT / "docs" / "MINIKUBE.md"
MANIFESTS = ROOT / "k8s" / "todo-chatbot.yaml"
SECRET = "todo-chatbot-secrets"
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


def secret_commands(text):
    """The commands of the bash and PowerShell blocks that create the Secret,
    continuation lines joined."""
    return [command for block in blocks(text, "bash", "powershell")
            for command in block.replace("\\\n", " ").splitlines()
            if f"create secret generic {SECRET}" in command]


def keys_the_pods_need(*kinds):
    """The Secret's keys that pods of the plain manifests read without
    `optional`: a missing one leaves the pod in CreateContainerConfigError."""
    needed = set()
    for doc in yaml.safe_load_all(MANIFESTS.read_text()):
        if not doc or doc["kind"] not in kinds:
            continue
        pod = doc["spec"]["template"]["spec"]
        for container in pod["containers"] + pod.get("initContainers", []):
            for env in container.get("env", []):
                ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                if ref and ref["name"] == SECRET and not ref.get("optional"):
                    needed.add(ref["key"])
        for volume in pod.get("volumes", []):
            source = volume.get("secret")
            if source and source["secretName"] == SECRET and not source.get("optional"):
                needed.update(item["key"] for item in source.get("items", []))
    return needed


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

    # The same Secret, generated the same way, with every key the pods read.
    keys = {"AUTH_SECRET", "FRONTEND_SECRET", "POSTGRES_PASSWORD", "DATABASE_URL"}
    assert set(guide_secret) == set(script_secret) == keys == keys_the_pods_need("Deployment", "StatefulSet")
    for secret in (guide_secret, script_secret):
        assert all(len(secret[key]) >= 32 for key in ("AUTH_SECRET", "FRONTEND_SECRET", "POSTGRES_PASSWORD"))
        assert len({secret["AUTH_SECRET"], secret["FRONTEND_SECRET"], secret["POSTGRES_PASSWORD"]}) == 3
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


def test_every_secret_the_guide_creates_has_the_keys_the_pods_need():
    """With existingSecret the chart creates no Secret: the guide's commands
    must hold every key, FRONTEND_SECRET included, in every shell."""
    deployments = keys_the_pods_need("Deployment")
    assert {"DATABASE_URL", "AUTH_SECRET", "FRONTEND_SECRET"} <= deployments
    commands = secret_commands(GUIDE.read_text())
    assert sum("--from-literal=" in c and "$(New-Key)" in c for c in commands) >= 2, "PowerShell's are seen"
    assert len(commands) >= 4, commands
    for command in commands:
        assert deployments <= set(secret_keys(command)), command
    # The main path runs PostgreSQL in the cluster, which reads its password.
    everything = keys_the_pods_need("Deployment", "StatefulSet")
    for command in secret_commands(quickstart()):
        assert everything <= set(secret_keys(command)), command


def test_the_guide_names_every_key_where_it_lists_the_secret():
    needed = keys_the_pods_need("Deployment", "StatefulSet")
    before_the_commands = quickstart().split("```bash")[0]
    manifests = section("By hand with plain manifests").split("```")[0]
    for text in (before_the_commands, manifests):
        for key in needed:
            assert f"`{key}`" in text, (key, text)
    row = next(line for line in GUIDE.read_text().splitlines() if line.startswith("| ConfigMaps, Secret |"))
    assert "`AUTH_SECRET`" in row and "`FRONTEND_SECRET`" in row


def test_the_fix_for_a_secret_without_the_frontend_key_works_and_is_the_same_in_powershell(cluster):
    """A Secret made before the frontend needed FRONTEND_SECRET: the
    troubleshooting command adds the key and keeps the others."""
    trouble = section("Troubleshooting")
    assert "CreateContainerConfigError" in trouble and "scripts/minikube-deploy.sh" in trouble
    (bash,), (powershell,) = blocks(trouble, "bash"), blocks(trouble, "powershell")
    same = bash.replace("$(openssl rand -hex 32)", "KEY") == powershell.replace("$(New-Key)", "KEY")
    assert same and "patch secret todo-chatbot-secrets" in bash, (bash, powershell)

    old = {"DATABASE_URL": "postgres://todo:pw@todo-chatbot-postgresql:5432/todo", "AUTH_SECRET": "a" * 64,
           "POSTGRES_PASSWORD": "pw"}
    cluster.state.mkdir()
    (cluster.state / f"secret-todo-{SECRET}.json").write_text(json.dumps(old))
    result = cluster.run("bash", "-euo", "pipefail", "-c", bash)
    assert result.returncode == 0, result.stderr
    secret = cluster.secret()
    assert set(secret) == set(old) | {"FRONTEND_SECRET"} and all(secret[k] == v for k, v in old.items())
    assert re.fullmatch(r"[0-9a-f]{64}", secret["FRONTEND_SECRET"])


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
