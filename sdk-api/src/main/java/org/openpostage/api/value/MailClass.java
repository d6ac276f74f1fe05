package org.openpostage.api.value;

import org.openpostage.api.error.InvalidArgumentException;
import org.openpostage.api.error.InvalidRequestException;

/**
 * The class of service a piece of mail is sent with. Each class has a stable numeric code, used
 * in the indicium data, and a display name. A postal server's rate table says which classes it
 * sells and at which weights.
 */
public enum MailClass {
    /** A standard letter. */
    LETTER(1, "Standard letter"),
    /** A large letter (flat). */
    LARGE_LETTER(2, "Large letter"),
    /** A letter with priority handling. */
    PRIORITY_LETTER(3, "Priority letter"),
    /** A letter with registered (signed-for) handling. */
    REGISTERED_LETTER(4, "Registered letter"),
    /** A parcel. */
    PARCEL(5, "Parcel"),
    /** A parcel with priority handling. */
    PRIORITY_PARCEL(6, "Priority parcel");

    private final int code;
    private final String displayName;

    MailClass(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    /** The stable numeric code carried in indicium data (1 to 65535). */
    public int code() {
        return code;
    }

    /** A name to show users, in English. */
    public String displayName() {
        return displayName;
    }

    /**
     * The class with numeric code {@code code}.
     *
     * @throws InvalidRequestException if no class has that code
     */
    public static MailClass fromCode(int code) {
        for (MailClass c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new InvalidArgumentException("mailClass code " + code + " is not a known mail class");
    }

    /**
     * The class named {@code name} (as in {@link #name()}, case-sensitive).
     *
     * @throws InvalidRequestException naming the value and the known classes
     */
    public static MailClass parse(String name) {
        if (name != null) {
            for (MailClass c : values()) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
        }
        throw new InvalidArgumentException("mailClass '" + name + "' is not one of " + java.util.Arrays.toString(values()));
    }
}
