package org.openpostage.server.internal.telemetry;

import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.CardPayment;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.Money;
import org.openpostage.server.spi.PaymentGateway;
import org.openpostage.server.spi.StampImaging;
import org.openpostage.server.internal.signing.SigningDevice;

/**
 * The core's devices with spans: every signature ({@code sign indicium}), every rendering
 * ({@code render stamp}) and every call to a card gateway ({@code card gateway <call>}), each a
 * child of the request's span. Card data never becomes an attribute.
 */
public final class TracedDevices {
    private TracedDevices() {
    }

    /** {@code device}, its signers making a span per signature. */
    public static SigningDevice signing(SigningDevice device, Telemetry telemetry) {
        return new SigningDevice() {
            @Override
            public Kind kind() {
                return device.kind();
            }

            @Override
            public String description() {
                return device.description();
            }

            @Override
            public java.security.PublicKey generate(java.sql.Connection c, long keyId, SignatureAlgorithm algorithm,
                                                    java.time.Instant now) throws java.sql.SQLException {
                return device.generate(c, keyId, algorithm, now);
            }

            @Override
            public IndiciumSigner signer(long keyId, SignatureAlgorithm algorithm) {
                IndiciumSigner signer = device.signer(keyId, algorithm);
                return new IndiciumSigner() {
                    @Override
                    public SignatureAlgorithm algorithm() {
                        return signer.algorithm();
                    }

                    @Override
                    public long keyId() {
                        return signer.keyId();
                    }

                    @Override
                    public byte[] sign(byte[] payload) {
                        return telemetry.span("sign indicium", () -> signer.sign(payload));
                    }
                };
            }

            @Override
            public boolean holds(long keyId) {
                return device.holds(keyId);
            }

            @Override
            public void close() {
                device.close();
            }
        };
    }

    /** {@code imaging}, each rendering a span. */
    public static StampImaging imaging(StampImaging imaging, Telemetry telemetry) {
        return new StampImaging() {
            @Override
            public boolean available() {
                return imaging.available();
            }

            @Override
            public RenderedImage render(SignedIndicium indicium, PrintOptions options, BackgroundImage background) {
                return telemetry.span("render stamp " + options.format(), () -> imaging.render(indicium, options,
                        background));
            }

            @Override
            public PrintComponent printComponent() {
                return imaging.printComponent();
            }

            @Override
            public void checkBackground(BackgroundImage image) {
                imaging.checkBackground(image);
            }
        };
    }

    /** {@code gateway} (or {@code null}), each call a span. */
    public static PaymentGateway gateway(PaymentGateway gateway, Telemetry telemetry) {
        if (gateway == null) {
            return null;
        }
        return new PaymentGateway() {
            @Override
            public String name() {
                return gateway.name();
            }

            @Override
            public Result authorize(String paymentId, CardPayment card, Money amount) {
                return telemetry.span("card gateway authorize", () -> gateway.authorize(paymentId, card, amount));
            }

            @Override
            public Result capture(String gatewayReference, Money amount) {
                return telemetry.span("card gateway capture", () -> gateway.capture(gatewayReference, amount));
            }

            @Override
            public Result voidAuthorization(String gatewayReference) {
                return telemetry.span("card gateway void", () -> gateway.voidAuthorization(gatewayReference));
            }

            @Override
            public Result refund(String gatewayReference, Money amount, String refundReference) {
                return telemetry.span("card gateway refund", () -> gateway.refund(gatewayReference, amount,
                        refundReference));
            }

            @Override
            public Status lookup(String paymentId) {
                return telemetry.span("card gateway lookup", () -> gateway.lookup(paymentId));
            }
        };
    }
}
