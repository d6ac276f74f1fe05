/**
 * The OpenPostage XML protocol over HTTPS, version 1.
 *
 * <ul>
 *   <li>{@link org.openpostage.transport.xml.XmlProtocol}: namespace, headers and the schema
 *       ({@code openpostage-v1.xsd}, inside this jar).</li>
 *   <li>{@link org.openpostage.transport.xml.XmlServerBinding}: exposes any
 *       {@link org.openpostage.api.PostalService} over HTTP, framework-neutral
 *       ({@link org.openpostage.transport.xml.XmlRequest} in,
 *       {@link org.openpostage.transport.xml.XmlResponse} out), with
 *       {@link org.openpostage.transport.xml.XmlHttpHandler} and
 *       {@link org.openpostage.transport.xml.XmlHttpsConfigurator} for the JDK's HTTPS server.</li>
 *   <li>{@link org.openpostage.transport.xml.XmlPostalClient}: the client, found by
 *       {@link org.openpostage.api.PostalClients} through
 *       {@link org.openpostage.transport.xml.XmlTransportProvider} for {@code https://} endpoints.</li>
 * </ul>
 *
 * Everything in {@code org.openpostage.transport.xml.internal} is not API.
 */
package org.openpostage.transport.xml;
