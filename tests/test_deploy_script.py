"""The Minikube deploy script: its --dry-run prints the expected sequence and
never a secret."""

import os
import subprocess

from conftest import ROOT


def dry_run(*flags, env_extra=None):
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), **(env_extra or {})}
    result = subprocess.run([str(ROOT / "scripts/minikube-deploy.sh"), "--dry-run", *flags],
                            capture_output=True, text=True, env=env, cwd="/", check=True)
    return result.stdout


def commands(output):
    return [line[2:] for line in output.splitlines() if line.startswith("+ ")]


def test_helm_dry_run_prints_the_whole_sequence_in_order():
    secret = "a-very-secret-value-that-must-not-be-printed-0123"
    output = dry_run(env_extra={"AUTH_SECRET": secret, "LLM_PROVIDER": "groq", "LLM_API_KEY": "gsk-hidden"})
    expected = [
        "minikube start",
        "eval $(minikube docker-env)",
        "docker build -f Dockerfile.backend -t todo-backend:",
        "docker build -f Dockerfile.frontend -t todo-frontend:",
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
    assert "--set existingSecret=todo-chatbot-secrets" in helm and "--set llm.provider=groq" in helm
    assert secret not in output and "gsk-hidden" not in output
    assert "LLM_API_KEY=<hidden>" in output
    assert "missing:" in output, "absent tools are reported"


def test_manifests_dry_run_applies_k8s():
    ran = commands(dry_run("--manifests"))
    assert "kubectl apply -f k8s/todo-chatbot.yaml" in ran
    assert not any(c.startswith("helm ") for c in ran)
