{{/* Names and labels */}}
{{- define "training-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "training-service.fullname" -}}
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

{{- define "training-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "training-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "training-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "training-service.labels" -}}
helm.sh/chart: {{ include "training-service.chart" . }}
{{ include "training-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The image: the CUDA variant's tag when gpu.enabled */}}
{{- define "training-service.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.gpu.enabled }}
{{- $tag = printf "%s%s" $tag .Values.gpu.imageTagSuffix }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/* The application.yml of the ConfigMap: the values' config, with server.port set to containerPort */}}
{{- define "training-service.applicationYaml" -}}
{{- $config := deepCopy .Values.config }}
{{- toYaml (mustMergeOverwrite $config (dict "server" (dict "port" .Values.containerPort))) }}
{{- end }}

{{/* server.servlet.context-path of the config (the image's application.yml sets none) */}}
{{- define "training-service.contextPath" -}}
{{- $server := default dict .Values.config.server }}
{{- $servlet := default dict $server.servlet }}
{{- index $servlet "context-path" | default "" }}
{{- end }}

{{/* The actuator's path: the context path and management.endpoints.web.base-path of the config (the image's
     application.yml sets neither), else Spring Boot's default */}}
{{- define "training-service.actuatorPath" -}}
{{- $management := default dict .Values.config.management }}
{{- $endpoints := default dict $management.endpoints }}
{{- $web := default dict $endpoints.web }}
{{- printf "%s%s" (include "training-service.contextPath" .) (index $web "base-path" | default "/actuator") }}
{{- end }}

{{/* Secrets: the chart's own, or the operator's existing ones */}}
{{- define "training-service.databaseSecretName" -}}
{{- default (include "training-service.fullname" .) .Values.database.postgresql.existingSecret }}
{{- end }}

{{- define "training-service.apiKeysSecretName" -}}
{{- default (include "training-service.fullname" .) .Values.apiKeys.existingSecret }}
{{- end }}

{{/* "true" or empty: API keys are configured */}}
{{- define "training-service.apiKeys" -}}
{{- if or .Values.apiKeys.existingSecret .Values.apiKeys.hashes }}true{{ end }}
{{- end }}

{{/* "true" or empty: the chart's Secret holds the database credentials */}}
{{- define "training-service.ownDatabaseSecret" -}}
{{- if and (eq .Values.database.type "postgresql") (not .Values.database.postgresql.existingSecret) }}true{{ end }}
{{- end }}

{{/* "true" or empty: the chart's Secret holds the API key hashes */}}
{{- define "training-service.ownApiKeysSecret" -}}
{{- if and (not .Values.apiKeys.existingSecret) .Values.apiKeys.hashes }}true{{ end }}
{{- end }}

{{/* Combinations the schema cannot refuse */}}
{{- define "training-service.validate" -}}
{{- if and (eq .Values.database.type "embedded") (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "replicaCount %d needs database.type=postgresql: the embedded H2 database lives in one pod's volume, and replicas share the job queue only through PostgreSQL" (int .Values.replicaCount)) }}
{{- end }}
{{- if eq .Values.database.type "postgresql" }}
{{- if not .Values.database.postgresql.url }}
{{- fail "database.postgresql.url is required with database.type=postgresql (jdbc:postgresql://host:5432/database)" }}
{{- end }}
{{- if and (not .Values.database.postgresql.existingSecret) (not .Values.database.postgresql.password) }}
{{- fail "database.postgresql.password or database.postgresql.existingSecret is required with database.type=postgresql" }}
{{- end }}
{{- end }}
{{- end }}
