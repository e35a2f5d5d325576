{{/* Chart name, overridable. */}}
{{- define "todo-chatbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name, at most 63 characters (DNS label). */}}
{{- define "todo-chatbot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "todo-chatbot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Recommended labels. */}}
{{- define "todo-chatbot.labels" -}}
helm.sh/chart: {{ include "todo-chatbot.chart" . }}
{{ include "todo-chatbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-chatbot
{{- end }}

{{/* Selector labels: stable across upgrades (never the version). */}}
{{- define "todo-chatbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-chatbot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Per-component names and labels; call with (dict "root" $ "component" "backend"). */}}
{{- define "todo-chatbot.componentName" -}}
{{- printf "%s-%s" (include "todo-chatbot.fullname" .root | trunc 52 | trimSuffix "-") .component }}
{{- end }}

{{- define "todo-chatbot.componentLabels" -}}
{{ include "todo-chatbot.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "todo-chatbot.componentSelectorLabels" -}}
{{ include "todo-chatbot.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The Secret the pods read: the user's, or the chart's. */}}
{{- define "todo-chatbot.secretName" -}}
{{- default (include "todo-chatbot.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* True when the chart runs PostgreSQL itself. */}}
{{- define "todo-chatbot.inClusterPostgres" -}}
{{- if and .Values.postgresql.enabled (not .Values.database.url) }}true{{- end }}
{{- end }}

{{/* image reference; call with (dict "root" $ "image" .Values.backend.image). */}}
{{- define "todo-chatbot.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag }}
{{- if .root.Values.image.registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{/* The backend as the frontend and tests reach it. */}}
{{- define "todo-chatbot.backendUrl" -}}
{{- printf "http://%s:%v" (include "todo-chatbot.componentName" (dict "root" . "component" "backend")) .Values.backend.service.port }}
{{- end }}

{{/* The HTTP server limits both services read (ConfigMap data lines). */}}
{{- define "todo-chatbot.serverLimits" -}}
SERVER_HEADER_TIMEOUT_SECS: {{ .Values.server.headerTimeoutSeconds | quote }}
SERVER_BODY_TIMEOUT_SECS: {{ .Values.server.bodyTimeoutSeconds | quote }}
SERVER_IDLE_TIMEOUT_SECS: {{ .Values.server.idleTimeoutSeconds | quote }}
SERVER_MAX_CONNECTIONS: {{ .Values.server.maxConnections | quote }}
{{- end }}

{{/* The ServiceAccount the pods run as. */}}
{{- define "todo-chatbot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo-chatbot.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The resources below are the same for the backend and the frontend but for the
component's name and values: each takes (dict "root" $ "component" "backend").
*/}}

{{/* A component's Service; the metrics port is on it when a ServiceMonitor scrapes it. */}}
{{- define "todo-chatbot.service" -}}
{{- $values := index .root.Values .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "todo-chatbot.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "todo-chatbot.componentLabels" . | nindent 4 }}
spec:
  type: {{ $values.service.type }}
  selector:
    {{- include "todo-chatbot.componentSelectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $values.service.port }}
      targetPort: http
      protocol: TCP
    {{- if and $values.metricsPort .root.Values.serviceMonitor.enabled }}
    - name: metrics
      port: {{ $values.metricsPort }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
{{- end }}

{{/* A component's HorizontalPodAutoscaler, when enabled. */}}
{{- define "todo-chatbot.hpa" -}}
{{- $autoscaling := (index .root.Values .component).autoscaling -}}
{{- if $autoscaling.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "todo-chatbot.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "todo-chatbot.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "todo-chatbot.componentName" . }}
  minReplicas: {{ $autoscaling.minReplicas }}
  maxReplicas: {{ $autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}

{{/* A component's PodDisruptionBudget: a budget only makes sense with more than one pod. */}}
{{- define "todo-chatbot.pdb" -}}
{{- $values := index .root.Values .component -}}
{{- $replicas := ternary $values.autoscaling.minReplicas $values.replicaCount $values.autoscaling.enabled -}}
{{- if and $values.pdb.enabled (gt (int $replicas) 1) -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "todo-chatbot.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "todo-chatbot.componentLabels" . | nindent 4 }}
spec:
  minAvailable: {{ $values.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "todo-chatbot.componentSelectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/* A component's probes: start-up and liveness on /health, readiness on /ready, timings from values. */}}
{{- define "todo-chatbot.probes" -}}
{{- $probes := (index .root.Values .component).probes -}}
startupProbe:
  httpGet:
    path: /health
    port: http
  {{- toYaml $probes.startup | nindent 2 }}
livenessProbe:
  httpGet:
    path: /health
    port: http
  {{- toYaml $probes.liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: /ready
    port: http
  {{- toYaml $probes.readiness | nindent 2 }}
{{- end }}

{{/* A component's scheduling fields of the pod spec. A spread constraint
without a labelSelector gets the component's own. */}}
{{- define "todo-chatbot.scheduling" -}}
{{- $values := index .root.Values .component -}}
{{- $selector := dict "matchLabels" (include "todo-chatbot.componentSelectorLabels" . | fromYaml) -}}
{{- with $values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- range . }}
  {{- if hasKey . "labelSelector" }}
  - {{ toYaml . | nindent 4 | trim }}
  {{- else }}
  - {{ toYaml (set (deepCopy .) "labelSelector" $selector) | nindent 4 | trim }}
  {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Static-analysis (checkov) findings that do not apply to a resource, each with
its reason; call with a list of "CHECK_ID=reason" (no "=" in the reason).
*/}}
{{- define "todo-chatbot.checkovSkips" -}}
{{- range $i, $skip := . }}
checkov.io/skip{{ add1 $i }}: {{ $skip | quote }}
{{- end }}
{{- end }}

{{/* The findings every workload of our own images shares. */}}
{{- define "todo-chatbot.imageSkips" -}}
{{- $skips := list "CKV_K8S_43=Images are referenced by their version tag: built in place on Minikube they have no registry digest" }}
{{- if eq .Values.image.pullPolicy "Never" }}
{{- $skips = append $skips "CKV_K8S_15=Minikube runs the images built into its own runtime: there is no registry to pull from" }}
{{- else if eq .Values.image.pullPolicy "IfNotPresent" }}
{{- $skips = append $skips "CKV_K8S_15=The images are built locally and are in no registry: Always would fail to pull them, so the copy on the node is used" }}
{{- end }}
{{- $skips | toJson }}
{{- end }}
