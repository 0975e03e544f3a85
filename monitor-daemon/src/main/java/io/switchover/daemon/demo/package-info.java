/**
 * The newcomer's demo: a local pair of notifier endpoints on loopback that ping each other and
 * print what they see. It grows into the full demo pair as the daemon is built.
 */
package io.switchover.daemon.demo;
