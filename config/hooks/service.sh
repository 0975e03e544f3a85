#!/bin/sh
# switchover hook: systemd services run on the primary only.
#
# Entering PRIMARY starts SERVICES in the order given; every other event it is wired to (leaving
# PRIMARY, entering BACKUP or FAILED) stops them in the reverse order. Idempotent: systemctl does
# nothing when a unit already is in the wanted state, so it is safe to wire to on-enter-backup and
# on-enter-failed as well.
#
# Parameters, from lowest to highest precedence: the defaults below, the environment, the env file
# SERVICE_ENV_FILE (default /etc/switchover/hooks/service.env, shell syntax:
# SERVICES="myapp.service").
#   SERVICES   one or more unit names, separated by spaces (required)
#   DRY_RUN=1  print the commands instead of running them
#
# By hand: service.sh start | service.sh stop (as entering / leaving primary).
#
# Exit status:
#   0  done
#   2  misconfigured: SERVICES not set, unknown event
#   3  systemctl failed for at least one unit (all of them were still tried)
set -u

SERVICES=${SERVICES:-}
DRY_RUN=${DRY_RUN:-0}

SERVICE_ENV_FILE=${SERVICE_ENV_FILE:-/etc/switchover/hooks/service.env}
if [ -r "$SERVICE_ENV_FILE" ]; then
    # shellcheck disable=SC1090
    . "$SERVICE_ENV_FILE"
fi

fail() {
    status=$1
    shift
    echo "service.sh: $*" >&2
    exit "$status"
}

run() {
    echo "+ $*"
    if [ "$DRY_RUN" = 1 ]; then
        return 0
    fi
    "$@"
}

case "${1:-}" in
    start) action=start ;;
    stop) action=stop ;;
    "")
        case "${SWITCHOVER_EVENT:-}/${SWITCHOVER_ROLE:-}" in
            enter/PRIMARY) action=start ;;
            leave/PRIMARY | enter/BACKUP | enter/FAILED) action=stop ;;
            /) fail 2 "usage: service.sh start|stop (or run it as a switchover hook)" ;;
            *)
                echo "service.sh: nothing to do on ${SWITCHOVER_EVENT} of ${SWITCHOVER_ROLE}"
                exit 0
                ;;
        esac
        ;;
    *) fail 2 "usage: service.sh start|stop (or run it as a switchover hook)" ;;
esac

[ -n "$SERVICES" ] || fail 2 "SERVICES is not set (in $SERVICE_ENV_FILE or the environment)"

units=$SERVICES
if [ "$action" = stop ]; then
    # Stop in the reverse order of starting: dependants before what they depend on.
    units=
    for unit in $SERVICES; do
        units="$unit $units"
    done
fi

status=0
for unit in $units; do
    run systemctl "$action" "$unit" || {
        echo "service.sh: systemctl $action $unit failed" >&2
        status=3
    }
done
exit "$status"
