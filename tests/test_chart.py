"""The Helm chart, rendered with different values: the properties a cluster
operator relies on."""

import subprocess

import pytest
import yaml

from conftest import APP_VERSION, CHART, find, render, run

WORKLOADS = ("Deployment", "StatefulSet")


def containers(docs):
    for doc in docs:
        if doc["kind"] in WORKLOADS:
            yield doc, doc["spec"]["template"]["spec"], doc["spec"]["template"]["spec"]["containers"]
        elif doc["kind"] == "Pod":
            yield doc, doc["spec"], doc["spec"]["containers"]


@pytest.mark.parametrize("values", [[], ["-f", str(CHART / "values-minikube.yaml")], ["-f", str(CHART / "values-neon.yaml")]])
def test_every_container_is_hardened_with_resources_and_probes(values):
    docs = render(*values)
    assert any(True for _ in containers(docs))
    for doc, pod, boxes in containers(docs):
        assert pod["automountServiceAccountToken"] is False, doc["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for box in boxes:
            where = f'{doc["metadata"]["name"]}/{box["name"]}'
            context = box["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["runAsNonRoot"] is True, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert {"cpu", "memory"} <= set(box["resources"]["requests"]) and {"cpu", "memory"} <= set(box["resources"]["limits"]), where
            if doc["kind"] in WORKLOADS:
                assert {"livenessProbe", "readinessProbe", "startupProbe"} <= set(box), where


def test_probes_use_health_and_ready_and_the_grace_period_covers_the_drain():
    docs = render()
    for component in ("backend", "frontend"):
        deployment = find(docs, "Deployment", f"demo-todo-chatbot-{component}")[0]
        pod = deployment["spec"]["template"]["spec"]
        box = pod["containers"][0]
        assert box["livenessProbe"]["httpGet"]["path"] == "/health"
        assert box["readinessProbe"]["httpGet"]["path"] == "/ready"
        config = find(docs, "ConfigMap", f"demo-todo-chatbot-{component}")[0]["data"]
        drain = int(config["SHUTDOWN_DELAY_MS"]) / 1000 + int(config["SHUTDOWN_TIMEOUT_SECS"])
        assert pod["terminationGracePeriodSeconds"] > drain
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["checksum/config"], "config changes roll the pods"


def test_autoscaling_removes_the_fixed_replica_count():
    plain = find(render(), "Deployment", "demo-todo-chatbot-backend")[0]
    assert plain["spec"]["replicas"] == 2
    assert not find(render(), "HorizontalPodAutoscaler")
    docs = render("--set", "backend.autoscaling.enabled=true", "--set", "frontend.autoscaling.enabled=true")
    for deployment in find(docs, "Deployment"):
        assert "replicas" not in deployment["spec"]
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in find(docs, "HorizontalPodAutoscaler")}
    assert set(hpas) == {"demo-todo-chatbot-backend", "demo-todo-chatbot-frontend"}
    assert hpas["demo-todo-chatbot-backend"]["spec"]["minReplicas"] == 2


def test_a_disruption_budget_only_with_more_than_one_replica():
    assert len(find(render(), "PodDisruptionBudget")) == 2
    single = render("--set", "backend.replicaCount=1", "--set", "frontend.replicaCount=1")
    assert not find(single, "PodDisruptionBudget")
    mixed = render("--set", "backend.replicaCount=3", "--set", "frontend.replicaCount=1")
    assert [p["metadata"]["name"] for p in find(mixed, "PodDisruptionBudget")] == ["demo-todo-chatbot-backend"]


def test_in_cluster_postgresql_only_without_an_external_url():
    docs = render()
    assert find(docs, "StatefulSet", "demo-todo-chatbot-postgresql")
    secret = find(docs, "Secret", "demo-todo-chatbot")[0]
    import base64
    url = base64.b64decode(secret["data"]["DATABASE_URL"]).decode()
    assert url.startswith("postgres://todo:") and "@demo-todo-chatbot-postgresql:5432/todo" in url

    external = render("--set", "database.url=postgres://u:p@ep-1.neon.tech/todo?sslmode=require")
    assert not find(external, "StatefulSet")
    assert not [s for s in find(external, "Service") if "postgresql" in s["metadata"]["name"]]
    assert not [n for n in find(external, "NetworkPolicy") if "postgresql" in n["metadata"]["name"]]
    secret = find(external, "Secret")[0]
    assert base64.b64decode(secret["data"]["DATABASE_URL"]).decode().endswith("neon.tech/todo?sslmode=require")
    assert "POSTGRES_PASSWORD" not in secret["data"]


def test_secret_from_values_or_an_existing_secret():
    import base64
    docs = render()
    generated = base64.b64decode(find(docs, "Secret")[0]["data"]["AUTH_SECRET"]).decode()
    assert len(generated) >= 32
    given = render("--set", "auth.secret=" + "s" * 40, "--set", "llm.apiKey=sk-test")
    data = find(given, "Secret")[0]["data"]
    assert base64.b64decode(data["AUTH_SECRET"]).decode() == "s" * 40
    assert base64.b64decode(data["LLM_API_KEY"]).decode() == "sk-test"
    existing = render("--set", "existingSecret=my-secrets")
    assert not find(existing, "Secret")
    env = find(existing, "Deployment", "demo-todo-chatbot-backend")[0]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {e["valueFrom"]["secretKeyRef"]["name"] for e in env} == {"my-secrets"}


def test_selectors_are_stable_across_versions_and_images():
    def selectors(docs):
        return {d["metadata"]["name"]: d["spec"]["selector"] for d in docs if d["kind"] in ("Deployment", "StatefulSet", "Service")}

    first = selectors(render())
    second = selectors(render("--set", "image.tag=9.9.9", "--set", "backend.replicaCount=5"))
    assert first == second
    for selector in first.values():
        labels = selector.get("matchLabels", selector)
        assert "app.kubernetes.io/version" not in labels and "helm.sh/chart" not in labels
        assert labels["app.kubernetes.io/instance"] == "demo"


def test_recommended_labels_and_image_tags_default_to_the_app_version():
    docs = render()
    for doc in docs:
        labels = doc["metadata"]["labels"]
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart"):
            assert key in labels, f'{doc["kind"]}/{doc["metadata"]["name"]} lacks {key}'
    images = [c["image"] for _, _, boxes in containers(docs) for c in boxes if "todo-" in c["image"]]
    assert images and all(i.endswith(f":{APP_VERSION}") for i in images)
    assert all(not i.endswith(":latest") for _, _, boxes in containers(docs) for i in [c["image"] for c in boxes])


def test_network_policies_let_dns_and_the_app_paths_through_and_nothing_else_in():
    docs = render()
    policies = {p["metadata"]["name"]: p["spec"] for p in find(docs, "NetworkPolicy")}
    for name in ("demo-todo-chatbot-backend", "demo-todo-chatbot-frontend"):
        dns = [rule for rule in policies[name]["egress"] if {"port": 53, "protocol": "UDP"} in rule.get("ports", [])]
        assert dns, f"{name} can resolve names"
    backend_from = policies["demo-todo-chatbot-backend"]["ingress"][0]["from"]
    components = {f.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") for f in backend_from}
    assert {"frontend", "test"} <= components
    assert any(f.get("namespaceSelector") for f in backend_from), "kagent's namespace may reach /mcp"
    database = policies["demo-todo-chatbot-postgresql"]
    assert database["ingress"][0]["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "backend"
    assert database["egress"] == []
    frontend_out = policies["demo-todo-chatbot-frontend"]["egress"]
    assert any(r.get("to", [{}])[0].get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") == "backend" for r in frontend_out)
    assert not find(render("--set", "networkPolicy.enabled=false"), "NetworkPolicy")


def test_mcp_accepts_the_backend_service_names():
    config = find(render(), "ConfigMap", "demo-todo-chatbot-backend")[0]["data"]
    hosts = config["MCP_ALLOWED_HOSTS"].split(",")
    assert "demo-todo-chatbot-backend" in hosts and "demo-todo-chatbot-backend.todo.svc.cluster.local" in hosts
    frontend = find(render(), "ConfigMap", "demo-todo-chatbot-frontend")[0]["data"]
    assert frontend["BACKEND_URL"] == "http://demo-todo-chatbot-backend:8000"


def test_helm_tests_probe_the_services_with_the_images_own_healthcheck():
    pods = find(render(), "Pod")
    assert len(pods) == 2
    for pod in pods:
        assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
        box = pod["spec"]["containers"][0]
        assert box["args"][0] == "healthcheck" and box["args"][1].startswith("http://demo-todo-chatbot-")
        assert box["image"].split(":")[0] in ("todo-backend", "todo-frontend")
    assert not find(render("--skip-tests"), "Pod")


def test_ingress_and_namespace_are_optional():
    assert not find(render(), "Ingress") and not find(render(), "Namespace")
    docs = render("--set", "ingress.enabled=true", "--set", "ingress.className=nginx", "--set", "namespace.create=true")
    ingress = find(docs, "Ingress")[0]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "demo-todo-chatbot-frontend"
    assert find(docs, "Namespace")[0]["metadata"]["name"] == "todo"


@pytest.mark.parametrize("bad", [
    "backend.replicas=3",            # a typo of replicaCount
    "backend.port=eighty",           # wrong type
    "image.pullPolicy=Sometimes",    # not an allowed value
    "database.url=mysql://x",        # not PostgreSQL
    "auth.secret=short",             # too short to sign tokens
    "llm.provider=skynet",           # unknown preset
])
def test_the_schema_rejects_typos_and_wrong_types(bad):
    result = subprocess.run(["helm", "template", "demo", str(CHART), "--set", bad], capture_output=True, text=True)
    assert result.returncode != 0, f"{bad} was accepted"


def test_manifests_pass_strict_kubernetes_validation(tmp_path):
    variants = {
        "default": [],
        "minikube": ["-f", str(CHART / "values-minikube.yaml")],
        "neon": ["-f", str(CHART / "values-neon.yaml")],
        "everything": ["--set", "ingress.enabled=true", "--set", "backend.autoscaling.enabled=true",
                       "--set", "frontend.autoscaling.enabled=true", "--set", "namespace.create=true",
                       "--set", "llm.provider=groq", "--set", "llm.apiKey=key"],
        "options": ["-f", str(CHART / "ci" / "every-option-values.yaml")],
    }
    for name, flags in variants.items():
        out = run("helm", "template", "demo", str(CHART), "-n", "todo", *flags).stdout
        path = tmp_path / f"{name}.yaml"
        path.write_text(out)
        result = subprocess.run(["kubernetes-validate", "-k", "1.37.0", "--strict", "--quiet", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"


# The chart's optional features at once, as a user would set them.


def values_file(tmp_path, values):
    """-f flags for values that --set spells awkwardly (lists of objects)."""
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(values))
    return ["-f", str(path)]


def deployment_pod(docs, component):
    return find(docs, "Deployment", f"demo-todo-chatbot-{component}")[0]["spec"]["template"]["spec"]


def test_service_monitor_scrapes_the_backend_metrics_port_through_its_service():
    assert not find(render(), "ServiceMonitor")
    assert [p["name"] for p in find(render(), "Service", "demo-todo-chatbot-backend")[0]["spec"]["ports"]] == ["http"]
    docs = render("--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=prom")
    monitor = find(docs, "ServiceMonitor", "demo-todo-chatbot-backend")[0]
    assert monitor["metadata"]["labels"]["release"] == "prom", "Prometheus selects monitors by label"
    endpoint = monitor["spec"]["endpoints"][0]
    assert (endpoint["port"], endpoint["path"]) == ("metrics", "/metrics")
    service = find(docs, "Service", "demo-todo-chatbot-backend")[0]
    assert {k: v for k, v in monitor["spec"]["selector"]["matchLabels"].items()} == service["spec"]["selector"]
    metrics = next(p for p in service["spec"]["ports"] if p["name"] == "metrics")
    container_ports = {p["name"]: p["containerPort"] for p in deployment_pod(docs, "backend")["containers"][0]["ports"]}
    assert metrics["targetPort"] == "metrics" and container_ports["metrics"] == 9000
    assert [p["name"] for p in find(docs, "Service", "demo-todo-chatbot-frontend")[0]["spec"]["ports"]] == ["http"]
    # With NetworkPolicies on, Prometheus' namespace may reach the metrics port (and only that port).
    policy = find(docs, "NetworkPolicy", "demo-todo-chatbot-backend")[0]["spec"]
    scrape = [rule for rule in policy["ingress"] if rule["ports"][0]["port"] == "metrics"]
    assert scrape and scrape[0]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "monitoring"


def test_extra_env_and_env_from_are_added_to_the_chart_own(tmp_path):
    docs = render(*values_file(tmp_path, {
        "backend": {"extraEnv": [{"name": "HTTP_PROXY", "value": "http://proxy:3128"}],
                    "extraEnvFrom": [{"secretRef": {"name": "more-settings"}}]},
        "frontend": {"extraEnv": [{"name": "RUST_BACKTRACE", "value": "1"}]},
    }))
    backend = deployment_pod(docs, "backend")["containers"][0]
    names = [e["name"] for e in backend["env"]]
    assert names[:3] == ["DATABASE_URL", "AUTH_SECRET", "LLM_API_KEY"] and names[-1] == "HTTP_PROXY"
    assert backend["envFrom"][0]["configMapRef"]["name"] == "demo-todo-chatbot-backend"
    assert backend["envFrom"][1] == {"secretRef": {"name": "more-settings"}}
    frontend = deployment_pod(docs, "frontend")["containers"][0]
    assert [e["name"] for e in frontend["env"]] == ["FRONTEND_SECRET", "RUST_BACKTRACE"]
    assert frontend["env"][-1] == {"name": "RUST_BACKTRACE", "value": "1"}
    assert [e["name"] for e in deployment_pod(render(), "frontend")["containers"][0]["env"]] == ["FRONTEND_SECRET"]


def test_security_contexts_come_from_values_and_default_to_hardened():
    docs = render("--set", "podSecurityContext.runAsUser=10001", "--set", "containerSecurityContext.runAsUser=10001",
                  "--set", "postgresql.podSecurityContext.fsGroupChangePolicy=OnRootMismatch")
    for component in ("backend", "frontend"):
        pod = deployment_pod(docs, component)
        assert pod["securityContext"]["runAsUser"] == 10001 and pod["containers"][0]["securityContext"]["runAsUser"] == 10001
        assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True, "the rest of the defaults stay"
    for pod in find(docs, "Pod"):
        assert pod["spec"]["securityContext"]["runAsUser"] == 10001
    database = find(docs, "StatefulSet")[0]["spec"]["template"]["spec"]
    assert database["securityContext"]["fsGroupChangePolicy"] == "OnRootMismatch" and database["securityContext"]["runAsUser"] == 70


def test_probe_timings_are_values():
    docs = render("--set", "backend.probes.readiness.periodSeconds=7", "--set", "frontend.probes.startup.failureThreshold=90")
    backend = deployment_pod(docs, "backend")["containers"][0]
    assert backend["readinessProbe"] == {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 7, "timeoutSeconds": 3, "failureThreshold": 2}
    assert deployment_pod(docs, "frontend")["containers"][0]["startupProbe"]["failureThreshold"] == 90


def test_scheduling_options_topology_spread_and_priority_class(tmp_path):
    docs = render(*values_file(tmp_path, {"backend": {
        "priorityClassName": "todo-high",
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}],
    }}))
    pod = deployment_pod(docs, "backend")
    assert pod["priorityClassName"] == "todo-high"
    constraint = pod["topologySpreadConstraints"][0]
    assert constraint["topologyKey"] == "topology.kubernetes.io/zone"
    selector = find(docs, "Deployment", "demo-todo-chatbot-backend")[0]["spec"]["selector"]
    assert constraint["labelSelector"] == selector, "spreads the backend's own pods unless told otherwise"
    assert "priorityClassName" not in deployment_pod(docs, "frontend") and "topologySpreadConstraints" not in deployment_pod(docs, "frontend")


def test_pods_run_as_the_release_service_account_without_a_token():
    docs = render()
    account = find(docs, "ServiceAccount", "demo-todo-chatbot")[0]
    assert account["automountServiceAccountToken"] is False
    pods = [deployment_pod(docs, c) for c in ("backend", "frontend")] + [p["spec"] for p in find(docs, "Pod")]
    pods.append(find(docs, "StatefulSet")[0]["spec"]["template"]["spec"])
    assert {p["serviceAccountName"] for p in pods} == {"demo-todo-chatbot"}
    own = render("--set", "serviceAccount.create=false", "--set", "serviceAccount.name=todo-runner")
    assert not find(own, "ServiceAccount")
    assert deployment_pod(own, "backend")["serviceAccountName"] == "todo-runner"
    assert deployment_pod(render("--set", "serviceAccount.create=false"), "backend")["serviceAccountName"] == "default"


def test_backend_and_frontend_hpa_pdb_and_service_differ_only_by_component():
    docs = render("--set", "backend.autoscaling.enabled=true", "--set", "frontend.autoscaling.enabled=true",
                  "--set", "frontend.service.type=ClusterIP", "--set", "frontend.service.port=8000")

    def normalised(doc):
        text = yaml.safe_dump(doc).replace("frontend", "COMPONENT").replace("backend", "COMPONENT")
        return text

    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"):
        backend = find(docs, kind, "demo-todo-chatbot-backend")[0]
        frontend = find(docs, kind, "demo-todo-chatbot-frontend")[0]
        assert normalised(backend) == normalised(frontend), kind


def test_the_database_password_is_read_from_a_file_not_the_environment():
    database = find(render(), "StatefulSet")[0]["spec"]["template"]["spec"]
    box = database["containers"][0]
    env = {e["name"]: e for e in box["env"]}
    assert "POSTGRES_PASSWORD" not in env
    path = env["POSTGRES_PASSWORD_FILE"]["value"]
    mount = next(m for m in box["volumeMounts"] if path.startswith(m["mountPath"] + "/"))
    volume = next(v for v in database["volumes"] if v["name"] == mount["name"])
    assert volume["secret"]["items"] == [{"key": "POSTGRES_PASSWORD", "path": path.rsplit("/", 1)[1]}]


def test_helm_test_pods_have_their_own_network_policy():
    docs = render()
    policy = find(docs, "NetworkPolicy", "demo-todo-chatbot-test")[0]
    assert policy["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert policy["spec"]["ingress"] == []
    reached = {rule["to"][0].get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") for rule in policy["spec"]["egress"]}
    assert {"backend", "frontend"} <= reached
    assert not find(render("--skip-tests"), "NetworkPolicy", "demo-todo-chatbot-test")


@pytest.mark.parametrize("values, policy", [
    ([], "IfNotPresent"),
    (["-f", str(CHART / "values-minikube.yaml")], "Never"),
    (["--set", "image.pullPolicy=Always"], "Always"),
])
def test_every_static_review_skip_names_a_check_and_gives_a_reason(values, policy):
    docs = render(*values)
    skips = [(doc["metadata"]["name"], value) for doc in docs
             for key, value in (doc["metadata"].get("annotations") or {}).items() if key.startswith("checkov.io/skip")]
    assert skips
    for name, value in skips:
        check, _, reason = value.partition("=")
        assert check.startswith("CKV_") and len(reason.split()) >= 5 and "=" not in reason, f"{name}: {value}"
    ours = [box["imagePullPolicy"] for _, _, boxes in containers(docs) for box in boxes if "todo-" in box["image"]]
    assert ours and set(ours) == {policy}
    excused = {name for name, value in skips if value.startswith("CKV_K8S_15=")}
    if policy == "Always":
        assert not excused, "nothing to excuse when the registry is checked"
    else:
        # Every workload of our own images, and only those: PostgreSQL's image is pulled Always.
        assert excused == {doc["metadata"]["name"] for doc, _, boxes in containers(docs) if any("todo-" in b["image"] for b in boxes)}


def test_the_images_are_not_pulled_from_a_registry_by_default():
    """The images are built locally (Minikube) and are in no registry: Always
    would fail a plain install."""
    assert yaml.safe_load((CHART / "values.yaml").read_text())["image"]["pullPolicy"] == "IfNotPresent"
    assert yaml.safe_load((CHART / "values-minikube.yaml").read_text())["image"]["pullPolicy"] == "Never"


# Settings of the services' code, written to the ConfigMaps and Secret.


def config(docs, component):
    return find(docs, "ConfigMap", f"demo-todo-chatbot-{component}")[0]["data"]


def test_the_frontend_key_is_generated_into_the_secret_and_read_from_it():
    import base64
    docs = render()
    data = find(docs, "Secret", "demo-todo-chatbot")[0]["data"]
    frontend_key = base64.b64decode(data["FRONTEND_SECRET"]).decode()
    assert len(frontend_key) >= 32 and frontend_key != base64.b64decode(data["AUTH_SECRET"]).decode()
    frontend = deployment_pod(docs, "frontend")["containers"][0]
    ref = next(e for e in frontend["env"] if e["name"] == "FRONTEND_SECRET")["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "demo-todo-chatbot", "key": "FRONTEND_SECRET"}, "required: without it the frontend cannot start read-only"
    assert "FRONTEND_SECRET" not in config(docs, "frontend")
    annotations = find(docs, "Deployment", "demo-todo-chatbot-frontend")[0]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["checksum/secret"], "a new key rolls the frontend"
    # The backend never sees it.
    assert "FRONTEND_SECRET" not in {e["name"] for e in deployment_pod(docs, "backend")["containers"][0]["env"]}

    given = render("--set", "auth.frontendSecret=" + "f" * 40)
    assert base64.b64decode(find(given, "Secret")[0]["data"]["FRONTEND_SECRET"]).decode() == "f" * 40
    existing = render("--set", "existingSecret=my-secrets")
    assert not find(existing, "Secret")
    ref = deployment_pod(existing, "frontend")["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "my-secrets", "key": "FRONTEND_SECRET"}


def test_the_frontend_key_survives_an_upgrade():
    """Generated like AUTH_SECRET: an existing Secret's value is reused (lookup)."""
    template = (CHART / "templates" / "secret.yaml").read_text()
    assert 'lookup "v1" "Secret"' in template
    assert '.Values.auth.frontendSecret | default (get $old "FRONTEND_SECRET" | b64dec) | default (randAlphaNum' in template


def test_the_backend_trusts_forwarded_addresses_from_the_pod_network_only():
    assert config(render(), "backend")["TRUSTED_PROXIES"] == "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
    assert config(render("--set", "backend.trustedProxies={10.244.0.0/16}"), "backend")["TRUSTED_PROXIES"] == "10.244.0.0/16"
    assert "TRUSTED_PROXIES" not in config(render("--set", "backend.trustedProxies=null"), "backend"), "unset: trust nobody"
    assert "TRUSTED_PROXIES" not in config(render(), "frontend")


def test_operational_settings_default_to_the_code_defaults():
    backend = config(render(), "backend")
    expected = {"DB_TIMEOUT_MS": "5000", "TASK_LIMIT": "10000", "AUTH_ATTEMPTS_PER_MINUTE": "30", "HASH_QUEUE": "64"}
    assert {k: backend[k] for k in expected} == expected
    assert "HASH_CONCURRENCY" not in backend, "unset: the backend picks one per core, at most 4"
    servers = {"SERVER_HEADER_TIMEOUT_SECS": "10", "SERVER_BODY_TIMEOUT_SECS": "15",
               "SERVER_IDLE_TIMEOUT_SECS": "75", "SERVER_MAX_CONNECTIONS": "1024"}
    for component in ("backend", "frontend"):
        data = config(render(), component)
        assert {k: data[k] for k in servers} == servers, component

    docs = render("--set", "backend.dbTimeoutMs=2500", "--set", "backend.taskLimit=500",
                  "--set", "backend.authAttemptsPerMinute=5", "--set", "backend.hashConcurrency=2",
                  "--set", "backend.hashQueue=0", "--set", "server.idleTimeoutSeconds=120",
                  "--set", "server.maxConnections=256")
    backend = config(docs, "backend")
    assert (backend["DB_TIMEOUT_MS"], backend["TASK_LIMIT"], backend["AUTH_ATTEMPTS_PER_MINUTE"],
            backend["HASH_CONCURRENCY"], backend["HASH_QUEUE"]) == ("2500", "500", "5", "2", "0")
    for component in ("backend", "frontend"):
        data = config(docs, component)
        assert (data["SERVER_IDLE_TIMEOUT_SECS"], data["SERVER_MAX_CONNECTIONS"], data["SERVER_HEADER_TIMEOUT_SECS"]) == ("120", "256", "10")


@pytest.mark.parametrize("bad", [
    ["--set", "backend.trustedProxies=10.0.0.0/8"],           # a string, not a list
    ["--set-string", "backend.trustedProxies=10.0.0.0/8"],
    ["--set", "backend.trustedProxies.cidr=10.0.0.0/8"],      # a map
    ["--set", "backend.trustedProxies[0]=8"],                  # a number in the list
    ["--set", "backend.trustedProxies[0]=pods"],               # not an address
    ["--set", "auth.frontendSecret=short"],                    # too short to key CSRF tokens
    ["--set", "backend.hashConcurrency=0"],                    # would admit no hash at all
    ["--set", "backend.taskLimit=-1"],
    ["--set", "server.idleTimeoutSeconds=0"],                  # the services refuse 0
    ["--set", "server.timeout=5"],                             # unknown key
])
def test_the_schema_rejects_bad_new_settings(bad):
    result = subprocess.run(["helm", "template", "demo", str(CHART), *bad], capture_output=True, text=True)
    assert result.returncode != 0, f"{bad} was accepted"
