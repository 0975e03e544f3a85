#!/bin/sh
# switchover hook: the virtual IP follows the primary role.
#
# Entering PRIMARY adds VIP/VIP_PREFIX to VIP_INTERFACE, then sends gratuitous ARP so that
# neighbours send to this node at once instead of when their ARP caches expire. Every other event
# it is wired to (leaving PRIMARY, entering BACKUP or FAILED) removes the address. Idempotent:
# adding an address that is there, or removing one that is not, does nothing and succeeds, so it
# is safe to wire to on-enter-backup and on-enter-failed as well (a node that crashed as primary
# then drops the address it may still hold).
#
# Parameters, from lowest to highest precedence: the defaults below, the environment, the env file
# VIP_ENV_FILE (default /etc/switchover/hooks/vip.env, shell syntax: VIP=192.0.2.10).
#   VIP            the virtual IPv4 address, e.g. 192.0.2.10 (required)
#   VIP_PREFIX     its prefix length (24)
#   VIP_INTERFACE  the interface that carries it, e.g. eth0 (required)
#   ARP_COUNT      how many gratuitous ARPs to send (3)
#   DRY_RUN=1      print the commands instead of running them
#
# By hand: vip.sh up | vip.sh down (as entering / leaving primary).
# Needs: ip (iproute2), arping (iputils-arping), root or CAP_NET_ADMIN + CAP_NET_RAW.
#
# Exit status:
#   0  done, or nothing to do
#   2  misconfigured: missing or invalid parameter, unknown event
#   3  the address could not be added or removed
#   4  the address is in place but the gratuitous ARP failed (neighbours follow once their
#      ARP caches expire)
set -u

VIP=${VIP:-}
VIP_PREFIX=${VIP_PREFIX:-24}
VIP_INTERFACE=${VIP_INTERFACE:-}
ARP_COUNT=${ARP_COUNT:-3}
DRY_RUN=${DRY_RUN:-0}

VIP_ENV_FILE=${VIP_ENV_FILE:-/etc/switchover/hooks/vip.env}
if [ -r "$VIP_ENV_FILE" ]; then
    # shellcheck disable=SC1090
    . "$VIP_ENV_FILE"
fi

fail() {
    status=$1
    shift
    echo "vip.sh: $*" >&2
    exit "$status"
}

# Runs a command, or only prints it in dry-run mode; either way the command is echoed first so
# that the hook's log shows what was done.
run() {
    echo "+ $*"
    if [ "$DRY_RUN" = 1 ]; then
        return 0
    fi
    "$@"
}

is_ipv4() {
    case "$1" in
        *[!0-9.]* | *..* | .* | *.) return 1 ;;
    esac
    saved_ifs=$IFS
    IFS=.
    # shellcheck disable=SC2086
    set -- $1
    IFS=$saved_ifs
    [ $# -eq 4 ] || return 1
    for part in "$@"; do
        [ ${#part} -le 3 ] && [ "$part" -le 255 ] || return 1
    done
}

has_vip() {
    ip -o -4 addr show dev "$VIP_INTERFACE" | grep -q -F " inet $VIP/$VIP_PREFIX "
}

case "${1:-}" in
    up) action=add ;;
    down) action=del ;;
    "")
        case "${SWITCHOVER_EVENT:-}/${SWITCHOVER_ROLE:-}" in
            enter/PRIMARY) action=add ;;
            leave/PRIMARY | enter/BACKUP | enter/FAILED) action=del ;;
            /) fail 2 "usage: vip.sh up|down (or run it as a switchover hook)" ;;
            *)
                echo "vip.sh: nothing to do on ${SWITCHOVER_EVENT} of ${SWITCHOVER_ROLE}"
                exit 0
                ;;
        esac
        ;;
    *) fail 2 "usage: vip.sh up|down (or run it as a switchover hook)" ;;
esac

[ -n "$VIP" ] || fail 2 "VIP is not set (in $VIP_ENV_FILE or the environment)"
[ -n "$VIP_INTERFACE" ] || fail 2 "VIP_INTERFACE is not set (in $VIP_ENV_FILE or the environment)"
is_ipv4 "$VIP" || fail 2 "VIP '$VIP' is not an IPv4 address"
case "$VIP_PREFIX" in
    "" | *[!0-9]*) fail 2 "VIP_PREFIX '$VIP_PREFIX' is not a number" ;;
esac
[ "$VIP_PREFIX" -le 32 ] || fail 2 "VIP_PREFIX '$VIP_PREFIX' is above 32"
case "$ARP_COUNT" in
    "" | *[!0-9]*) fail 2 "ARP_COUNT '$ARP_COUNT' is not a number" ;;
esac

if [ "$action" = add ]; then
    # In dry-run mode the real interface is never queried: the commands are shown in full.
    if [ "$DRY_RUN" != 1 ] && has_vip; then
        echo "vip.sh: $VIP/$VIP_PREFIX is already on $VIP_INTERFACE"
    else
        run ip addr add "$VIP/$VIP_PREFIX" dev "$VIP_INTERFACE" ||
            fail 3 "could not add $VIP/$VIP_PREFIX to $VIP_INTERFACE"
    fi
    # Announced even when the address was already there: a neighbour may still hold the old MAC.
    if [ "$DRY_RUN" != 1 ] && ! command -v arping >/dev/null 2>&1; then
        fail 4 "$VIP is on $VIP_INTERFACE but arping is not installed (iputils-arping): no" \
            "gratuitous ARP sent"
    fi
    run arping -U -c "$ARP_COUNT" -I "$VIP_INTERFACE" "$VIP" ||
        fail 4 "$VIP is on $VIP_INTERFACE but the gratuitous ARP failed"
else
    if [ "$DRY_RUN" != 1 ] && ! has_vip; then
        echo "vip.sh: $VIP/$VIP_PREFIX is not on $VIP_INTERFACE"
    else
        run ip addr del "$VIP/$VIP_PREFIX" dev "$VIP_INTERFACE" ||
            fail 3 "could not remove $VIP/$VIP_PREFIX from $VIP_INTERFACE"
    fi
fi
exit 0
