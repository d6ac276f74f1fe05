package org.openpostage.server.spi;

import org.openpostage.api.error.ServiceUnavailableException;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.RenderedImage;

/**
 * Everything the core needs from a renderer: stamps as PNG, PDF or ZPL, the browser print component,
 * and a deep check of background images that operators upload. The reference server wires the
 * implementation built on {@code sdk-render}; {@link #unavailable()} stands in until then (and
 * for operators who only sell raw indicium data).
 *
 * <p>Implementations must be thread-safe, render test indicia as SPECIMEN, and throw
 * {@link org.openpostage.api.error.InvalidRequestException} for unusable input.
 */
public interface StampImaging {
    /** Whether this implementation renders at all; {@code false} for {@link #unavailable()}. */
    boolean available();

    /**
     * Renders one stamp.
     *
     * @param indicium   the signed indicium to draw (its test flag decides the SPECIMEN mark)
     * @param options    the format ({@code PNG}, {@code PDF} or {@code ZPL}) and resolution
     * @param background the catalogue image to compose onto, or {@code null}
     */
    RenderedImage render(SignedIndicium indicium, PrintOptions options, BackgroundImage background);

    /** The print component browsers load to print stamps at their exact size. */
    PrintComponent printComponent();

    /**
     * Checks an image an operator adds to the catalogue beyond its header (which the core has
     * already checked): that it decodes, and is usable as a stamp background.
     *
     * @throws org.openpostage.api.error.InvalidRequestException saying why the image is unusable
     */
    void checkBackground(BackgroundImage image);

    /** The stand-in used when no renderer is configured: rendering fails with a clear error. */
    static StampImaging unavailable() {
        return Unavailable.INSTANCE;
    }

    /** See {@link #unavailable()}. */
    enum Unavailable implements StampImaging {
        /** The only instance. */
        INSTANCE;

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public RenderedImage render(SignedIndicium indicium, PrintOptions options, BackgroundImage background) {
            throw new ServiceUnavailableException("rendering is not configured");
        }

        @Override
        public PrintComponent printComponent() {
            throw new ServiceUnavailableException("rendering is not configured");
        }

        @Override
        public void checkBackground(BackgroundImage image) {
            // Nothing beyond the header checks the core does itself.
        }
    }
}
