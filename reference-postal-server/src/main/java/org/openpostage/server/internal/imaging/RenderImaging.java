package org.openpostage.server.internal.imaging;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.OperatorMarks;
import org.openpostage.render.PrintComponents;
import org.openpostage.render.StampRenderer;
import org.openpostage.server.spi.StampImaging;

/**
 * {@link StampImaging} on {@code sdk-render}: PNG or ZPL at the requested resolution or PDF, composed by
 * the server onto a catalogue background when asked; test indicia carry the renderer's SPECIMEN
 * mark (it reads the indicium's test flag). Catalogue images are checked and decoded once and
 * kept, so a busy background costs one decode. Thread-safe.
 */
public final class RenderImaging implements StampImaging {
    /** More distinct backgrounds than this and the decoded cache starts over. */
    private static final int MAX_CACHED_BACKGROUNDS = 64;

    private final Map<Integer, StampRenderer> renderers = new ConcurrentHashMap<>();
    private final Map<String, Background> decoded = new ConcurrentHashMap<>();
    private final OperatorMarks marks;

    /** Renders with the default marks and no operator's mark. */
    public RenderImaging() {
        this(null);
    }

    /** Renders with the default marks and {@code operatorMark} (such as {@code US POSTAGE}, or {@code null}). */
    public RenderImaging(String operatorMark) {
        this.marks = OperatorMarks.DEFAULT.withOperatorMark(operatorMark);
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public RenderedImage render(SignedIndicium indicium, PrintOptions options, BackgroundImage background) {
        Objects.requireNonNull(indicium, "indicium");
        Objects.requireNonNull(options, "options");
        StampRenderer renderer = renderers.computeIfAbsent(options.dpi(),
                dpi -> StampRenderer.builder().dpi(dpi).marks(marks).build());
        return renderer.render(indicium, options.format(), background == null ? null : decode(background));
    }

    @Override
    public PrintComponent printComponent() {
        return PrintComponents.current();
    }

    @Override
    public void checkBackground(BackgroundImage image) {
        BackgroundImages.check(Objects.requireNonNull(image, "image"));
    }

    private Background decode(BackgroundImage image) {
        Background cached = decoded.get(image.id());
        if (cached != null && cached.content().equals(image.content())) {
            return cached;
        }
        Background checked = BackgroundImages.check(image);
        if (decoded.size() >= MAX_CACHED_BACKGROUNDS) {
            decoded.clear();
        }
        decoded.put(image.id(), checked);
        return checked;
    }
}
