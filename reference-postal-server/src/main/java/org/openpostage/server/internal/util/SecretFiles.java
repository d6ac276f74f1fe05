package org.openpostage.server.internal.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files that hold secrets (generated passwords, keystores, demo API keys): readable by the
 * owner only from the moment they exist (on file systems with POSIX permissions), and replaced
 * atomically, so no reader ever sees a half-written file.
 */
public final class SecretFiles {
    private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);

    private SecretFiles() {
    }

    /** Writes {@code text} as UTF-8 to {@code file}, owner-only, replacing it atomically. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code content} to {@code file}, owner-only, replacing it atomically. */
    public static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path name = file.getFileName();
        if (dir == null || name == null) {
            throw new IOException(file + " is not a file's path");
        }
        Path tmp;
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            tmp = Files.createTempFile(dir, name.toString(), ".tmp", ownerOnly);
        } else {
            log.debug("cannot restrict the permissions of {} on this file system", file);
            tmp = Files.createTempFile(dir, name.toString(), ".tmp");
        }
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
