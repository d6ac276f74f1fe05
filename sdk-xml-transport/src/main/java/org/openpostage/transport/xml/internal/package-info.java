/**
 * Internals of the XML transport: the wire classes, the two mappers, the hardened XML factory, the
 * codec, the HTTP caller. Not API: may change without notice.
 */
package org.openpostage.transport.xml.internal;
