package org.openpostage.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpostage.api.error.ConfigurationException;

/**
 * How every OpenPostage configuration reads a typed value from text: the client's
 * ({@link ClientConfig#fromProperties}), the reference server's and the reference portal's files and
 * environment variables. One rule per type, so a value means the same wherever it is written
 * (docs/operations.md, "Values"):
 *
 * <ul>
 *   <li><b>Durations</b> carry their unit: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h},
 *       {@code 1d}, or ISO-8601 ({@code PT30S}, {@code P1D}), upper or lower case. {@code 0} alone is
 *       zero. Any other bare number is refused: {@code 30} could be seconds or milliseconds, and a
 *       value read the other way round fails much later and much worse.</li>
 *   <li><b>Switches</b> are {@code true}, {@code yes}, {@code on} or {@code 1}, and {@code false},
 *       {@code no}, {@code off} or {@code 0}, in any case.</li>
 *   <li><b>Whole numbers</b> are decimal, within the bounds the setting names.</li>
 * </ul>
 *
 * Every refusal is a {@link ConfigurationException} naming the setting, the value and what is
 * expected.
 *
 * <p>Where settings come from is one rule too: a properties file ({@link #readFile}), overridden by
 * environment variables named after the keys ({@link #fromEnvironment}: {@code jdbc.url} is read
 * from {@code OPENPOSTAGE_JDBC_URL} on the server, {@code postal.endpoint} from
 * {@code PORTAL_POSTAL_ENDPOINT} in the portal). A variable that is set but blank is ignored, with
 * a warning: an empty variable never turns a setting of the file back to its default.
 *
 * <p>Stateless and thread-safe.
 */
public final class Settings {
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)");

    private Settings() {
    }

    /**
     * The duration {@code value} of setting {@code key}, by the rule above.
     *
     * @throws ConfigurationException naming {@code key} if {@code value} is not a duration with a unit
     */
    public static Duration duration(String key, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = WITH_UNIT.matcher(v);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (v.startsWith("p") || v.startsWith("-p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            // refused below
        }
        String hint = v.chars().allMatch(Character::isDigit) && !v.isEmpty()
                ? ": a bare number has no unit; write " + v + "s or " + v + "ms" : "";
        throw new ConfigurationException(key + " '" + value + "' is not a duration" + hint + " (a number with a unit "
                + "such as 500ms, 30s, 15m, 2h or 1d, or ISO-8601 such as PT30S)");
    }

    /**
     * The switch {@code value} of setting {@code key}, by the rule above.
     *
     * @throws ConfigurationException naming {@code key} if {@code value} is neither on nor off
     */
    public static boolean bool(String key, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigurationException(key + " '" + value + "' is not a switch (true or false)");
        };
    }

    /**
     * The whole number {@code value} of setting {@code key}, from {@code min} to {@code max}.
     *
     * @throws ConfigurationException naming {@code key} and the bounds if it is not one
     */
    public static int integer(String key, String value, int min, int max) {
        try {
            int i = Integer.parseInt(value == null ? "" : value.strip());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigurationException(key + " '" + value + "' must be a whole number from " + min + " to " + max);
    }

    /**
     * The settings of a configuration file in {@link Properties} syntax, read as UTF-8: key to
     * value, values as written (a caller strips them where it wants to).
     *
     * @throws ConfigurationException naming {@code file} if it does not exist, is a directory or
     *                                cannot be read
     */
    public static Map<String, String> readFile(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigurationException("configuration file " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigurationException("configuration file " + file + " is a directory");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        return settings;
    }

    /**
     * The settings among {@code keys} that {@code environment} sets, by key: each from the variable
     * {@link #environmentName environmentName(prefix, key)}. A variable that is set but blank is
     * left out, and {@code warnings} is told which and why.
     */
    public static Map<String, String> fromEnvironment(Collection<String> keys, String prefix,
                                                      Map<String, String> environment, Consumer<String> warnings) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : keys) {
            String name = environmentName(prefix, key);
            String value = environment.get(name);
            if (value == null) {
                continue;
            }
            if (value.isBlank()) {
                warnings.accept("environment variable " + name + " is set but empty; ignored, so " + key
                        + " keeps the value of the configuration file or its default");
                continue;
            }
            settings.put(key, value);
        }
        return settings;
    }

    /**
     * The environment variable of setting {@code key}: {@code prefix}, then the key in upper case
     * with {@code .} and {@code -} as {@code _} ({@code OPENPOSTAGE_} and {@code jdbc.pool-size}
     * give {@code OPENPOSTAGE_JDBC_POOL_SIZE}).
     */
    public static String environmentName(String prefix, String key) {
        return prefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
