package org.openpostage.portal.internal.store;

/**
 * A portal user.
 *
 * @param id           the user id
 * @param username     the sign-in name
 * @param displayName  the name shown
 * @param passwordHash the PBKDF2 hash of the password (see {@code Passwords})
 */
public record User(long id, String username, String displayName, String passwordHash) {
    /** Never shows the hash. */
    @Override
    public String toString() {
        return "User[" + id + ", " + username + "]";
    }
}
