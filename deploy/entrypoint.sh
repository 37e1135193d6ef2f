#!/bin/sh
# Container entry: make the node on first start (MEKAAR_NAME names the village), then serve.
set -eu
if [ ! -f "${MEKAAR_DATA}/node.json" ]; then
    mekaar init --name "${MEKAAR_NAME:?set MEKAAR_NAME to the name of the village}"
fi
exec mekaar serve
