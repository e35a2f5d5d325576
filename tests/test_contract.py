"""Contract between the chart and the images: run the real images exactly as
the rendered Deployments describe them (env, ports, args, security context,
probes, grace period) and check that every probe answers as the manifest
expects and that the frontend reaches the backend through the Service name
and port in its configuration."""

import time
import urllib.parse

from conftest import BACKEND_IMAGE, FRONTEND_IMAGE, Browser, find, free_port, http_status, psql, render, run, secret_values, wait_until

RELEASE = "contract"


def docker_flags(pod, box):
    """Translates the pod's and container's securityContext into `docker run` flags."""
    context = {**pod.get("securityContext", {}), **box.get("securityContext", {})}
    flags = ["--user", f'{context["runAsUser"]}:{context["runAsGroup"]}']
    if context.get("readOnlyRootFilesystem"):
        flags.append("--read-only")
    if "ALL" in context.get("capabilities", {}).get("drop", []):
        flags += ["--cap-drop", "ALL"]
    if context.get("allowPrivilegeEscalation") is False:
        flags += ["--security-opt", "no-new-privileges"]
    return flags


def container_env(docs, box, secrets):
    env = {}
    for source in box.get("envFrom", []):
        env.update(find(docs, "ConfigMap", source["configMapRef"]["name"])[0]["data"])
    for item in box.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
            continue
        ref = item["valueFrom"]["secretKeyRef"]
        if ref["key"] in secrets:
            env[item["name"]] = secrets[ref["key"]]
        else:
            assert ref.get("optional"), f'{item["name"]} needs {ref["key"]}'
    return env


def ports(box):
    return {p["name"]: p["containerPort"] for p in box["ports"]}


def probe_urls(box):
    named = ports(box)
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = box[kind]["httpGet"]
        port = named.get(get["port"], get["port"])
        yield kind, f'http://127.0.0.1:{port}{get["path"]}'


def through_service(docs, arg):
    """Rewrites a Service URL's port to the container port it targets, as
    kube-proxy would (every container here shares the host's network)."""
    if not arg.startswith("http://"):
        return arg
    url = urllib.parse.urlparse(arg)
    service = find(docs, "Service", url.hostname)[0]
    target = next(p["targetPort"] for p in service["spec"]["ports"] if p["port"] == url.port)
    deployment = next(d for d in find(docs, "Deployment")
                      if d["spec"]["selector"]["matchLabels"] == service["spec"]["selector"])
    container_port = ports(deployment["spec"]["template"]["spec"]["containers"][0])[target]
    return arg.replace(f"{url.hostname}:{url.port}", f"{url.hostname}:{container_port}")


def test_the_images_run_as_the_rendered_manifests_describe(docker, postgres):
    database_url = postgres("contract")
    parsed = urllib.parse.urlparse(database_url)
    # The database is reached by a cluster-style host name, mapped to loopback.
    external_url = database_url.replace(parsed.hostname, "db.todo.svc.cluster.local")
    backend_port, metrics_port, frontend_port = free_port(), free_port(), free_port()
    docs = render(
        "-f", "helm/todo-chatbot/values-minikube.yaml",
        "--set", f"database.url={external_url}",
        "--set", f"backend.port={backend_port}", "--set", f"backend.service.port={backend_port}",
        "--set", f"backend.metricsPort={metrics_port}",
        "--set", f"frontend.port={frontend_port}",
        "--set", "backend.shutdownDelaySeconds=1", "--set", "frontend.shutdownDelaySeconds=1",
        name=RELEASE,
    )
    secrets = secret_values(docs)
    images = {"backend": BACKEND_IMAGE, "frontend": FRONTEND_IMAGE}
    backend_service = find(docs, "Service", f"{RELEASE}-todo-chatbot-backend")[0]
    service_host = backend_service["metadata"]["name"]
    hosts = ["--add-host", f"{service_host}:127.0.0.1", "--add-host", "db.todo.svc.cluster.local:127.0.0.1"]

    started = {}
    envs = {}
    for component in ("backend", "frontend"):
        deployment = find(docs, "Deployment", f"{RELEASE}-todo-chatbot-{component}")[0]
        pod = deployment["spec"]["template"]["spec"]
        box = pod["containers"][0]
        assert box["image"] == images[component], "the chart deploys the image we built"
        env = envs[component] = container_env(docs, box, secrets)
        env_flags = [flag for key, value in env.items() for flag in ("-e", f"{key}={value}")]
        name = docker.run(box["image"], *docker_flags(pod, box), *hosts, *env_flags, args=box.get("args", []))
        started[component] = (name, pod, box)
        for kind, url in probe_urls(box):
            wait_until(lambda url=url: http_status(url) == 200, timeout=30, what=f"{component} {kind} {url}")
    # The settings the code now needs reach it, and the images accept them as rendered.
    assert len(envs["frontend"]["FRONTEND_SECRET"]) >= 32, "read-only, the frontend needs its key from the Secret"
    assert "FRONTEND_SECRET" not in envs["backend"]
    assert envs["backend"]["TRUSTED_PROXIES"] and envs["backend"]["SERVER_IDLE_TIMEOUT_SECS"] == envs["frontend"]["SERVER_IDLE_TIMEOUT_SECS"]

    # The frontend's configured BACKEND_URL is the Service name and port.
    frontend_config = find(docs, "ConfigMap", f"{RELEASE}-todo-chatbot-frontend")[0]["data"]
    assert frontend_config["BACKEND_URL"] == f'http://{service_host}:{backend_service["spec"]["ports"][0]["port"]}'
    browser = Browser(f"http://127.0.0.1:{frontend_port}")
    status, url, _ = browser.post("/sign-up", {"csrf": browser.csrf("/sign-up"), "email": "contract@example.com", "password": "tidy-otter-planets-42"})
    assert status == 200 and url.endswith("/tasks?notice=welcome")
    csrf = browser.csrf("/tasks")

    # A second frontend replica, configured from the same manifest, accepts
    # the first one's CSRF token: the key comes from the shared Secret.
    _, pod, box = started["frontend"]
    replica_port = free_port()
    replica_env = {**envs["frontend"], "PORT": str(replica_port)}
    env_flags = [flag for key, value in replica_env.items() for flag in ("-e", f"{key}={value}")]
    docker.run(box["image"], *docker_flags(pod, box), *hosts, *env_flags, args=box.get("args", []))
    wait_until(lambda: http_status(f"http://127.0.0.1:{replica_port}/ready") == 200, timeout=30, what="second frontend ready")
    browser.base = f"http://127.0.0.1:{replica_port}"
    status, _, html = browser.post("/chat", {"csrf": csrf, "message": "Add a task to check the contract"})
    assert status == 200 and "Check the contract" in html
    assert psql(database_url, "SELECT title FROM tasks") == "Check the contract"

    # `helm test` pods: the image's own healthcheck against the Services.
    for pod in find(docs, "Pod"):
        box = pod["spec"]["containers"][0]
        args = [through_service(docs, arg) for arg in box["args"]]
        frontend_host = f"{RELEASE}-todo-chatbot-frontend"
        result = run("docker", "run", "--rm", "--network", "host", *docker_flags(pod["spec"], box), *hosts,
                     "--add-host", f"{frontend_host}:127.0.0.1", box["image"], *args, check=False)
        assert result.returncode == 0, f'{pod["metadata"]["name"]}: {result.stdout}{result.stderr}'

    # SIGTERM: the drain fits in the manifest's grace period, with a clean exit.
    for component in ("frontend", "backend"):
        name, pod, _ = started[component]
        grace = pod["terminationGracePeriodSeconds"]
        began = time.monotonic()
        run("docker", "stop", "--time", str(grace), name)
        assert time.monotonic() - began < grace
        assert docker.inspect(name)["State"]["ExitCode"] == 0, docker.logs(name)[-2000:]
