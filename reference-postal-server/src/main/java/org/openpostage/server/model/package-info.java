/**
 * The records the core and its administration return: partners and API keys, meters and their
 * audit, journal entries and the journal audit, signing keys, operators and their actions, failed
 * card refunds, rate tables and backgrounds. Plain values: they use nothing else of the server.
 */
package org.openpostage.server.model;
