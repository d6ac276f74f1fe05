/**
 * What an operator plugs into the reference core: the card {@link org.openpostage.server.spi.PaymentGateway}
 * and {@link org.openpostage.server.spi.StampImaging}, the renderer of stamps.
 *
 * <p>The server's packages are layers: {@code app}, {@code console} and {@code cli} use the root
 * ({@code PostalCore}, {@code PostalAdmin}); the root uses {@code internal.*}; and all of them use
 * {@code spi}, {@code config} and {@code model}, which use none of them (ArchitectureTest keeps
 * packages free of cycles).
 */
package org.openpostage.server.spi;
