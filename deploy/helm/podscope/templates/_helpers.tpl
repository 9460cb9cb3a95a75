{{/* Common labels of every podscope object. */}}
{{- define "podscope.labels" -}}
app.kubernetes.io/part-of: podscope
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
