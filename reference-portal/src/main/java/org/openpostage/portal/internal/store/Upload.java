package org.openpostage.portal.internal.store;

/**
 * A picture a user uploaded for their stamps (already checked by sdk-render).
 *
 * @param id    the upload id
 * @param title the file name the user gave, shortened
 */
public record Upload(long id, String title) {
}
