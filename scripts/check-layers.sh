#!/usr/bin/env bash
# Checks the layering the architecture promises: only the shell-side crates
# may depend on tokio (directly or through any dependency). Every other
# workspace crate is pure: a decision made there is testable without a
# runtime, a socket or a clock. Fails naming the crate and the path to tokio.
set -euo pipefail
cd "$(dirname "$0")/.."

# The crates that run tasks, sockets or HTTP. A new crate is pure unless it
# is added here on purpose.
SHELL_SIDE="server watchfloor marti api sim bench webui"

members=$(cargo metadata --no-deps --format-version 1 \
    | python3 -c 'import json,sys; print("\n".join(p["name"] for p in json.load(sys.stdin)["packages"]))')
bad=0
for crate in $members; do
    case " $SHELL_SIDE " in *" $crate "*) continue ;; esac
    if cargo tree -p "$crate" -e normal --prefix none 2>/dev/null | grep -q '^tokio v'; then
        echo "check-layers: the pure crate '$crate' depends on tokio:" >&2
        cargo tree -p "$crate" -e normal -i tokio 2>/dev/null | head -20 >&2
        bad=1
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "check-layers: move the IO into the shell (server, watchfloor), or add the crate to SHELL_SIDE in $0 if it is shell-side by design" >&2
    exit 1
fi
echo "check-layers: pure crates free of tokio: $(for c in $members; do case " $SHELL_SIDE " in *" $c "*) ;; *) printf '%s ' "$c" ;; esac; done)"
