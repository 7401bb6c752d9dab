#!/bin/sh
# Vault password for the molecule run: random, created on first use in molecule's ephemeral directory.
set -eu
dir="${MOLECULE_EPHEMERAL_DIRECTORY:?molecule sets MOLECULE_EPHEMERAL_DIRECTORY}"
file="${dir}/vault-password"
if [ ! -s "${file}" ]; then
    mkdir -p "${dir}"
    umask 077
    od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "${file}"
fi
cat "${file}"
