#!/usr/bin/env bash
# Creates the secrets docker/compose.yaml reads, in docker/secrets/ (or the directory given), for a pilot:
# random passwords, and a private CA that signs the broker's certificate (names kafka, localhost, 127.0.0.1 and
# $BIKEFENCE_KAFKA_EXTERNAL_HOST when set). An existing file is never overwritten; the tokens that operators issue
# (meituan_mds_token) are left for you to write. Needs the JDK's keytool (the build's JDK 17).
#
#   docker/kafka/make-secrets.sh [DIR]
#
# ComposeKafkaSecurityITCase (deploy-tests) runs it and starts the compose broker with what it made.
set -euo pipefail

dir="${1:-$(cd "$(dirname "$0")/../secrets" && pwd)}"
mkdir -p "$dir"
# The directory keeps others out on the host; the files must be readable by the containers' own users (compose
# bind-mounts a file secret with the host file's owner and mode).
chmod 700 "$dir"
umask 022
keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"

random() {
  # 24 random bytes as hex: no character that SCRAM's [password=...] syntax or a JAAS string would need quoted.
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

secret() {   # NAME: a random password in NAME, without a trailing newline (the broker reads some verbatim)
  if [ ! -e "$dir/$1" ]; then
    random > "$dir/$1"
    echo "created $dir/$1"
  fi
}

for name in kafka_admin_password kafka_job_password kafka_ingest_password kafka_fences_password \
    kafka_keystore_password kafka_truststore_password \
    influxdb_admin_password influxdb_job_password influxdb_ingest_password influxdb_grafana_password \
    grafana_admin_password qingju_push_token; do
  secret "$name"
done

if [ ! -e "$dir/kafka_keystore.p12" ] || [ ! -e "$dir/kafka_truststore.p12" ]; then
  rm -f "$dir/kafka_keystore.p12" "$dir/kafka_truststore.p12"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  ca_password="$(random)"
  keystore_password="$(cat "$dir/kafka_keystore_password")"
  truststore_password="$(cat "$dir/kafka_truststore_password")"
  san="dns:kafka,dns:localhost,ip:127.0.0.1${BIKEFENCE_KAFKA_EXTERNAL_HOST:+,dns:$BIKEFENCE_KAFKA_EXTERNAL_HOST}"
  "$keytool" -genkeypair -alias ca -dname "CN=bikefence Kafka CA" -keyalg RSA -keysize 3072 -validity 825 \
    -ext bc:c -storetype PKCS12 -keystore "$work/ca.p12" -storepass "$ca_password" 2>/dev/null
  "$keytool" -exportcert -rfc -alias ca -keystore "$work/ca.p12" -storepass "$ca_password" -file "$work/ca.crt" 2>/dev/null
  "$keytool" -genkeypair -alias kafka -dname "CN=kafka" -keyalg RSA -keysize 2048 -validity 825 \
    -storetype PKCS12 -keystore "$work/kafka.p12" -storepass "$keystore_password" 2>/dev/null
  "$keytool" -certreq -alias kafka -keystore "$work/kafka.p12" -storepass "$keystore_password" -file "$work/kafka.csr" 2>/dev/null
  "$keytool" -gencert -alias ca -keystore "$work/ca.p12" -storepass "$ca_password" -infile "$work/kafka.csr" \
    -outfile "$work/kafka.crt" -rfc -validity 825 -ext "SAN=$san" -ext KU=digitalSignature,keyEncipherment \
    -ext EKU=serverAuth 2>/dev/null
  "$keytool" -importcert -noprompt -alias ca -file "$work/ca.crt" -keystore "$work/kafka.p12" \
    -storepass "$keystore_password" 2>/dev/null
  "$keytool" -importcert -alias kafka -file "$work/kafka.crt" -keystore "$work/kafka.p12" \
    -storepass "$keystore_password" 2>/dev/null
  "$keytool" -importcert -noprompt -alias bikefence-kafka-ca -file "$work/ca.crt" -storetype PKCS12 \
    -keystore "$work/truststore.p12" -storepass "$truststore_password" 2>/dev/null
  mv "$work/kafka.p12" "$dir/kafka_keystore.p12"
  mv "$work/truststore.p12" "$dir/kafka_truststore.p12"
  echo "created $dir/kafka_keystore.p12 (SAN $san) and $dir/kafka_truststore.p12 (its CA)"
fi

if [ ! -e "$dir/meituan_mds_token" ]; then
  echo "write Meituan's MDS token into $dir/meituan_mds_token (docker/secrets/meituan_mds_token.example)"
fi
