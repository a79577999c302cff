#!/usr/bin/env bash
# Creates the Secrets the manifests read and that are never committed: a CA and Elasticsearch's
# certificate, the passwords of the built-in users, sluice's writer user, and Grafana's admin.
# Run once per cluster, before `kubectl apply -k`; it leaves existing Secrets alone, so running
# it again changes nothing (delete a Secret to renew it). Needs openssl and kubectl.
#
#   deploy/secrets.sh [namespace]        # default llm-observability
set -euo pipefail
ns="${1:-llm-observability}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
password() { openssl rand -base64 24 | tr -d '/+=' | cut -c1-24; }

# elasticsearch-certs: ca.crt (read by sluice, Kibana, Prometheus' checks), tls.crt, tls.key
# for the Elasticsearch pods, valid for the Service's names (ten years: renew by deleting).
if ! exists elasticsearch-certs; then
  openssl req -x509 -newkey rsa:4096 -nodes -days 3650 -subj "/CN=llm-observability CA" \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
  san="DNS:elasticsearch,DNS:elasticsearch.$ns,DNS:elasticsearch.$ns.svc,DNS:elasticsearch.$ns.svc.cluster.local"
  san="$san,DNS:*.elasticsearch-nodes.$ns.svc.cluster.local,DNS:*.elasticsearch-nodes,DNS:localhost,IP:127.0.0.1"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=elasticsearch" \
    -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
  openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
    -days 3650 -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san") \
    -out "$work/tls.crt" 2>/dev/null
  kubectl -n "$ns" create secret generic elasticsearch-certs \
    --from-file=ca.crt="$work/ca.crt" --from-file=tls.crt="$work/tls.crt" --from-file=tls.key="$work/tls.key"
fi

# elasticsearch-credentials: the elastic superuser (Elasticsearch sets it at first start; the
# setup Jobs use it) and kibana_system (set by the elasticsearch-users Job, used by Kibana).
exists elasticsearch-credentials || kubectl -n "$ns" create secret generic elasticsearch-credentials \
  --from-literal=elastic="$(password)" --from-literal=kibana_system="$(password)"

# sluice-es: the user sluice indexes as; the elasticsearch-users Job creates it with the
# sluice_writer role (write to logs-* and the dead-letter index, nothing else).
exists sluice-es || kubectl -n "$ns" create secret generic sluice-es \
  --from-literal=username=sluice_writer --from-literal=password="$(password)"

# kibana-keys: the key that encrypts Kibana's saved objects (alerts, connectors).
exists kibana-keys || kubectl -n "$ns" create secret generic kibana-keys \
  --from-literal=encryption-key="$(openssl rand -hex 32)"

# grafana-admin: Grafana's first admin.
exists grafana-admin || kubectl -n "$ns" create secret generic grafana-admin \
  --from-literal=admin-user=admin --from-literal=admin-password="$(password)"

# hf-token: the Hugging Face token vLLM downloads the gated Mistral weights with, when HF_TOKEN
# is set (optional for vLLM: a model cache that already holds the weights needs none).
if [ -n "${HF_TOKEN:-}" ] && ! exists hf-token; then
  kubectl -n "$ns" create secret generic hf-token --from-literal=token="$HF_TOKEN"
fi

echo "secrets ready in namespace $ns"
