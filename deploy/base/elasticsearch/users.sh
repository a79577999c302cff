#!/bin/sh
# Sets the users the stack logs in with, as the elastic superuser, once Elasticsearch answers:
# kibana_system's password (Kibana), and the sluice_writer role and user (sluice indexes with
# nothing more than it needs). Idempotent: run by the elasticsearch-users Job on each deploy.
set -eu
es=https://elasticsearch:9200
call() { curl -fsS --cacert /certs/ca.crt -u "elastic:$ELASTIC_PASSWORD" -H 'Content-Type: application/json' "$@"; }
until call "$es/_cluster/health?wait_for_status=yellow&timeout=10s" >/dev/null; do
  echo "waiting for Elasticsearch"; sleep 5
done
call -X POST "$es/_security/user/kibana_system/_password" -d "{\"password\":\"$KIBANA_PASSWORD\"}"
call -X PUT "$es/_security/role/sluice_writer" -d '{
  "cluster": ["monitor"],
  "indices": [{"names": ["logs-*", "sluice-*"],
               "privileges": ["create_doc", "create_index", "auto_configure", "view_index_metadata"]}]
}'
call -X PUT "$es/_security/user/$SLUICE_USERNAME" -d "{\"password\":\"$SLUICE_PASSWORD\",\"roles\":[\"sluice_writer\"]}"
echo "users ready"
