package org.openpostage.transport.xml.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.openpostage.api.error.ErrorCode;

/** Reads a request body into memory, never more than a limit: the declared length is checked first, then the bytes are counted. */
public final class BoundedBody {
    private BoundedBody() {
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param declaredLength the {@code Content-Length}, or -1 when unknown (chunked)
     * @param max            the most bytes accepted
     * @throws HttpProblem 413 if the body is or turns out to be longer than {@code max}; 408 if it stalled
     *                     (the server's read timed out); 400 if it ended early
     */
    public static byte[] read(InputStream in, long declaredLength, long max) {
        if (declaredLength > max) {
            throw tooLarge(max);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 1024);
        byte[] buffer = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > max) {
                    throw tooLarge(max);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // Never the exception's own text: it names server classes ("java.util.concurrent.TimeoutException ...").
            if (timedOut(e)) {
                throw new HttpProblem(408, ErrorCode.INVALID_REQUEST, "the request body stopped arriving after " + total
                        + " bytes" + (declaredLength >= 0 ? " of " + declaredLength : "") + " and the server stopped "
                        + "waiting for the rest");
            }
            throw new HttpProblem(400, ErrorCode.INVALID_REQUEST, "the request body ended after " + total + " bytes"
                    + (declaredLength >= 0 ? " of " + declaredLength : "") + " (the connection broke or the chunked "
                    + "encoding is malformed)");
        }
        return out.toByteArray();
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.InterruptedIOException || t instanceof java.util.concurrent.TimeoutException
                    || String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    private static HttpProblem tooLarge(long max) {
        return new HttpProblem(413, ErrorCode.INVALID_REQUEST, "the request body is larger than " + max + " bytes");
    }
}
