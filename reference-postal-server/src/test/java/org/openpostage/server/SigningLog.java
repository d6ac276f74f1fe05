package org.openpostage.server;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumSigner;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.server.internal.signing.SigningDevice;

/**
 * A signing device that records everything the device it wraps signs: what a real postal security
 * device's own audit log would show. Tests compare it with what the ledger holds.
 */
final class SigningLog implements SigningDevice {
    private final SigningDevice device;
    private final List<byte[]> payloads = new ArrayList<>();
    private final List<byte[]> signatures = new ArrayList<>();

    SigningLog(SigningDevice device) {
        this.device = device;
    }

    /** Every indicium signed so far (checkpoints, which are not indicia, left out). */
    synchronized List<SignedIndicium> signed() {
        List<SignedIndicium> all = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            if (p.length == IndiciumCodec.PAYLOAD_LENGTH) {
                all.add(IndiciumCodec.assemble(IndiciumCodec.decodePayload(p), signatures.get(i)));
            }
        }
        return all;
    }

    @Override
    public Kind kind() {
        return device.kind();
    }

    @Override
    public String description() {
        return device.description();
    }

    @Override
    public PublicKey generate(Connection c, long keyId, SignatureAlgorithm algorithm, Instant now) throws SQLException {
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
                byte[] signature = signer.sign(payload);
                synchronized (SigningLog.this) {
                    payloads.add(payload.clone());
                    signatures.add(signature.clone());
                }
                return signature;
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
}
