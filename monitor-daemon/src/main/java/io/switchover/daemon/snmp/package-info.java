/**
 * SNMP notifications: the daemon's state changes, switchovers and split-brain events as SNMPv2c or
 * SNMPv3 (USM, authentication and privacy) traps to the operator's SNMP managers, defined by {@code
 * config/snmp/SWITCHOVER-MIB.txt}.
 *
 * <p>{@link io.switchover.daemon.snmp.SnmpNotifier} is told of events on the core's executor and
 * only queues them; its own thread builds the traps ({@link io.switchover.daemon.snmp.Traps}, with
 * the OIDs of {@link io.switchover.daemon.snmp.SwitchoverMib}) and sends them with SNMP4J, so a
 * receiver that cannot be resolved or reached never delays a decision. The queue is bounded and
 * drops its oldest event when full, counting the drop for every receiver.
 *
 * <p>What does not live here: deciding anything (the core), reading the {@code snmp} section of the
 * configuration (the config package builds a {@link io.switchover.daemon.snmp.SnmpSettings}), and
 * the engine boots counter's file (the store package's {@link
 * io.switchover.daemon.store.SnmpEngineBoots}).
 */
package io.switchover.daemon.snmp;
