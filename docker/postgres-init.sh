#!/bin/sh
# Runs once, when the postgres volume is first created (docker-entrypoint-initdb.d).
# Creates the two roles Thrasos uses (README, "Database roles"):
#   thrasos_owner owns the database and every table, runs migrations;
#   thrasos_app is what the application connects as: no superuser, no
#   BYPASSRLS, owns nothing.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_pw="$THRASOS_DB_OWNER_PASSWORD" -v app_pw="$THRASOS_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE thrasos_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD :'owner_pw';
CREATE ROLE thrasos_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_pw';
CREATE DATABASE thrasos OWNER thrasos_owner;
SQL
