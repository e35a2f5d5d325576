"""The Minikube deploy script: its --dry-run prints the expected sequence and
never a secret; its settings come from .env.minikube or flags, never from the
local run's .env; a re-run with changed settings updates the Secret and says
which keys change before changing them, then restarts the pods that read them;
a Secret from before the frontend needed FRONTEND_SECRET gets the key. Runs
against recording stand-ins for minikube, kubectl and helm (see
conftest.FakeCluster)."""

import json
import os
import shutil
import subprocess

from conftest import ROOT

SCRIPT = ROOT / "scripts/minikube-deploy.sh"


def dry_run(*flags):
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run([str(SCRIPT), "--dry-run", "--env-file", "/dev/null", *flags],
                            capture_output=True, text=True, env=env, cwd="/", check=True)
    return result.stdout


def commands(output):
    return [line[2:] for line in output.splitlines() if line.startswith("+ ")]


def test_helm_dry_run_prints_the_whole_sequence_in_order():
    secret = "a-very-secret-value-that-must-not-be-printed-0123"
    frontend_secret = "another-secret-value-that-must-stay-hidden-4567"
    output = dry_run("--auth-secret", secret, "--frontend-secret", frontend_secret,
                     "--llm-provider", "groq", "--llm-api-key", "gsk-hidden")
    expected = [
        "minikube start",
        "minikube image build -t todo-backend:",
        "minikube image build -t todo-frontend:",
        "kubectl create namespace todo",
        "kubectl -n todo create secret generic todo-chatbot-secrets",
        "helm upgrade --install todo-chatbot helm/todo-chatbot --namespace todo -f helm/todo-chatbot/values-minikube.yaml",
        "kubectl -n todo rollout status deployment/todo-chatbot-backend",
        "kubectl -n todo rollout status deployment/todo-chatbot-frontend",
        "helm test todo-chatbot --namespace todo",
        "minikube service --namespace todo todo-chatbot-frontend --url",
    ]
    ran = commands(output)
    positions = []
    for prefix in expected:
        matches = [i for i, command in enumerate(ran) if command.startswith(prefix)]
        assert matches, f"missing: {prefix}\n{output}"
        positions.append(matches[0])
    assert positions == sorted(positions), output
    helm = next(c for c in ran if c.startswith("helm upgrade"))
    assert "--set existingSecret=todo-chatbot-secrets" in helm and "--set-string llm.provider=groq" in helm
    assert secret not in output and frontend_secret not in output and "gsk-hidden" not in output
    for key in ("AUTH_SECRET", "FRONTEND_SECRET", "LLM_API_KEY"):
        assert f"{key}=<hidden>" in output, key
    assert "missing:" in output, "absent tools are reported"
    assert "Administrator" in output and "Ctrl+C" in output, "how to reach the app on every system"


def test_manifests_dry_run_applies_k8s():
    ran = commands(dry_run("--manifests"))
    assert "kubectl apply -f k8s/todo-chatbot.yaml" in ran
    assert not any(c.startswith("helm ") for c in ran)


def checkout_with_local_env(tmp_path, env_text):
    """The script and what it reads, with a local run's .env beside them."""
    tree = tmp_path / "tree"
    (tree / "scripts").mkdir(parents=True)
    (tree / "helm/todo-chatbot").mkdir(parents=True)
    shutil.copy(SCRIPT, tree / "scripts")
    shutil.copy(ROOT / "helm/todo-chatbot/Chart.yaml", tree / "helm/todo-chatbot")
    (tree / ".env").write_text(env_text)
    return tree


def test_the_local_env_is_never_read(cluster, tmp_path):
    tree = checkout_with_local_env(tmp_path, "DATABASE_URL=sqlite://todo.db\nLLM_PROVIDER=ollama\n"
                                             "LLM_BASE_URL=http://localhost:11434/v1\nLLM_API_KEY=local-key\n")
    result = cluster.run(str(tree / "scripts/minikube-deploy.sh"), cwd=tree)
    assert result.returncode == 0, result.stderr
    assert ".env holds the local run's settings and is not read" in result.stdout
    secret = cluster.secret()
    assert secret["DATABASE_URL"].endswith("@todo-chatbot-postgresql:5432/todo") and "LLM_API_KEY" not in secret
    helm = next(c for c in cluster.commands("helm") if c[1] == "upgrade")
    assert not any("localhost" in arg or "ollama" in arg or "postgresql.enabled" in arg for arg in helm)


def test_settings_come_from_env_minikube_and_flags_win(cluster, tmp_path):
    tree = checkout_with_local_env(tmp_path, "")
    (tree / ".env.minikube").write_text("# Neon and Groq\r\nDATABASE_URL='postgres://u:p@ep-1.neon.tech/todo?sslmode=require'\r\n"
                                        "LLM_PROVIDER=groq\r\nLLM_API_KEY=\"gsk-file\"\r\n"
                                        "AUTH_SECRET=auth-from-the-file-0123456789abcdef\r\n"
                                        "FRONTEND_SECRET=csrf-from-the-file-0123456789abcdef\r\n")
    result = cluster.run(str(tree / "scripts/minikube-deploy.sh"), "--llm-api-key", "gsk-flag",
                         "--frontend-secret", "csrf-from-the-flag-0123456789abcdef", cwd=tree)
    assert result.returncode == 0, result.stderr
    secret = cluster.secret()
    assert secret["DATABASE_URL"] == "postgres://u:p@ep-1.neon.tech/todo?sslmode=require"
    assert secret["LLM_API_KEY"] == "gsk-flag"
    assert secret["AUTH_SECRET"] == "auth-from-the-file-0123456789abcdef"
    assert secret["FRONTEND_SECRET"] == "csrf-from-the-flag-0123456789abcdef"
    helm = next(c for c in cluster.commands("helm") if c[1] == "upgrade")
    assert "postgresql.enabled=false" in helm and "llm.provider=groq" in helm
    assert "gsk-" not in result.stdout and "ep-1.neon.tech" not in result.stdout and "-from-the-" not in result.stdout


def test_a_typo_in_the_settings_file_is_an_error(cluster, tmp_path):
    tree = checkout_with_local_env(tmp_path, "")
    (tree / ".env.minikube").write_text("DATABSE_URL=postgres://u:p@h/db\n")
    result = cluster.run(str(tree / "scripts/minikube-deploy.sh"), cwd=tree)
    assert result.returncode == 2 and "unknown setting DATABSE_URL" in result.stderr
    assert not cluster.commands()


def test_a_key_shorter_than_32_bytes_is_refused_before_anything_changes(cluster, tmp_path):
    tree = checkout_with_local_env(tmp_path, "")
    (tree / ".env.minikube").write_text("FRONTEND_SECRET=short\n")
    result = cluster.run(str(tree / "scripts/minikube-deploy.sh"), cwd=tree)
    assert result.returncode == 2 and "FRONTEND_SECRET must be at least 32 bytes" in result.stderr
    result = cluster.run(str(tree / "scripts/minikube-deploy.sh"), "--auth-secret", "x" * 31, cwd=tree)
    assert result.returncode == 2 and "AUTH_SECRET must be at least 32 bytes" in result.stderr
    assert "short" not in result.stderr + result.stdout
    assert not cluster.commands()


def test_a_rerun_with_a_changed_database_url_or_key_updates_the_secret_and_says_so_first(cluster, tmp_path):
    tree = checkout_with_local_env(tmp_path, "")
    deploy = [str(tree / "scripts/minikube-deploy.sh")]
    assert cluster.run(*deploy, cwd=tree).returncode == 0
    first = cluster.secret()
    assert set(first) == {"DATABASE_URL", "AUTH_SECRET", "FRONTEND_SECRET", "POSTGRES_PASSWORD"}
    assert len(first["FRONTEND_SECRET"]) >= 32 and first["FRONTEND_SECRET"] != first["AUTH_SECRET"]

    cluster.log.unlink()
    same = cluster.run(*deploy, cwd=tree)
    assert "up to date" in same.stdout
    assert cluster.secret() == first, "generated values are kept"
    assert not [c for c in cluster.commands("kubectl") if "apply" in c or "restart" in c]

    cluster.log.unlink()
    neon = "postgres://u:p@ep-2.neon.tech/todo?sslmode=require"
    changed = cluster.run(*deploy, "--database-url", neon, "--llm-api-key", "sk-new", cwd=tree)
    assert changed.returncode == 0, changed.stderr
    plan = changed.stdout[changed.stdout.index("==> Secret"):changed.stdout.index("==> installing")]
    assert "DATABASE_URL: changed" in plan and "LLM_API_KEY: added" in plan and "AUTH_SECRET: unchanged" in plan
    assert "FRONTEND_SECRET: unchanged" in plan
    assert neon not in changed.stdout and "sk-new" not in changed.stdout, "key names only"
    secret = cluster.secret()
    assert secret["DATABASE_URL"] == neon and secret["LLM_API_KEY"] == "sk-new"
    assert secret["AUTH_SECRET"] == first["AUTH_SECRET"], "sessions survive"
    assert secret["FRONTEND_SECRET"] == first["FRONTEND_SECRET"], "open forms stay valid"
    kubectl = cluster.commands("kubectl")
    applied = next(i for i, c in enumerate(kubectl) if c[1:] == ["apply", "-f", "-"])
    restarted = next(i for i, c in enumerate(kubectl) if "restart" in c)
    assert applied < restarted, "the backend restarts to read the new Secret"
    assert kubectl[restarted][-1:] == ["deployment/todo-chatbot-backend"], "the frontend reads none of these keys"


def test_a_secret_from_before_the_frontend_key_gets_it_and_the_frontend_restarts(cluster, tmp_path):
    """A cluster deployed when the frontend needed no FRONTEND_SECRET: its
    pods wait in CreateContainerConfigError until the key exists."""
    tree = checkout_with_local_env(tmp_path, "")
    deploy = [str(tree / "scripts/minikube-deploy.sh")]
    assert cluster.run(*deploy, cwd=tree).returncode == 0
    stored = cluster.state / "secret-todo-todo-chatbot-secrets.json"
    old = cluster.secret()
    del old["FRONTEND_SECRET"]
    stored.write_text(json.dumps(old))

    cluster.log.unlink()
    rerun = cluster.run(*deploy, cwd=tree)
    assert rerun.returncode == 0, rerun.stderr
    plan = rerun.stdout[rerun.stdout.index("==> Secret"):rerun.stdout.index("==> installing")]
    assert "FRONTEND_SECRET: added" in plan and "updating 1 key(s)" in plan
    for key in ("DATABASE_URL", "AUTH_SECRET", "POSTGRES_PASSWORD"):
        assert f"{key}: unchanged" in plan, key
    secret = cluster.secret()
    assert len(secret["FRONTEND_SECRET"]) >= 32 and secret["FRONTEND_SECRET"] not in rerun.stdout
    assert {k: v for k, v in secret.items() if k != "FRONTEND_SECRET"} == old, "the other keys are kept"
    restarts = [c for c in cluster.commands("kubectl") if "restart" in c]
    assert [c[-1:] for c in restarts] == [["deployment/todo-chatbot-frontend"]]

    cluster.log.unlink()
    chosen = "a-csrf-key-chosen-by-the-operator-0123456789"
    changed = cluster.run(*deploy, "--frontend-secret", chosen, cwd=tree)
    assert changed.returncode == 0, changed.stderr
    assert "FRONTEND_SECRET: changed" in changed.stdout and chosen not in changed.stdout
    assert cluster.secret()["FRONTEND_SECRET"] == chosen
    assert [c[-1:] for c in cluster.commands("kubectl") if "restart" in c] == [["deployment/todo-chatbot-frontend"]]
