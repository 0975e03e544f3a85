/**
 * A runnable example of an application that registers with its daemon as the monitored module. Not
 * used by the daemon; it is here to be read and copied.
 */
package io.switchover.client.example;
