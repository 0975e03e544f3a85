/**
 * {@code switchoverctl}: the operator's command line. It talks to the local daemon's admin API and
 * prints what the daemon knows in a form an operator reads at 3 a.m.; it decides nothing.
 */
package io.switchover.daemon.cli;
