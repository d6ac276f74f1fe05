package org.openpostage.transport.xml.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.openpostage.api.ErrorCode;

/** Reads a request body into memory, never more than a limit: the declared length is checked first, then the bytes are counted. */
public final class BoundedBody {
    private BoundedBody() {
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param declaredLength the {@code Content-Length}, or -1 when unknown (chunked)
     * @param max            the most bytes accepted
     * @throws HttpProblem 413 if the body is or turns out to be longer than {@code max}; 400 if it cannot be read
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
            throw new HttpProblem(400, ErrorCode.INVALID_REQUEST, "the request body could not be read: " + e.getMessage());
        }
        return out.toByteArray();
    }

    private static HttpProblem tooLarge(long max) {
        return new HttpProblem(413, ErrorCode.INVALID_REQUEST, "the request body is larger than " + max + " bytes");
    }
}
