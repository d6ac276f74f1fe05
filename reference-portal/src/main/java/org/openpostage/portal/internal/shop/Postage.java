package org.openpostage.portal.internal.shop;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.PostageException;
import org.openpostage.api.PostalClient;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.MailClass;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.SheetLayout;
import org.openpostage.render.SheetRenderer;
import org.openpostage.render.SizeMm;
import org.openpostage.render.Stamp;
import org.openpostage.render.StampRenderer;

/**
 * What the portal gets from the postal server, and the stamps it composes with sdk-render: live
 * rates, the background catalogue (cached briefly), the print component, previews, and stamps and
 * label sheets as PNG or PDF.
 */
public final class Postage {
    private static final Duration CATALOGUE_TTL = Duration.ofMinutes(5);

    private final PostalClient postal;
    private final StampRenderer renderer = StampRenderer.defaults();
    private final SheetRenderer sheets = SheetRenderer.of(renderer, SheetLayout.A4);
    private final Map<String, Background> checked = new ConcurrentHashMap<>();
    private volatile List<BackgroundImage> catalogue;
    private volatile Instant catalogueAt = Instant.EPOCH;
    private volatile PrintComponent printComponent;

    /** @param postal the client of the postal server */
    public Postage(PostalClient postal) {
        this.postal = postal;
    }

    /** The client. */
    public PostalClient client() {
        return postal;
    }

    /** Quotes {@code piece}. */
    public RateQuote quote(MailPiece piece, LocalDate dateOfMailing) {
        return postal.quote(new QuoteRequest(piece, dateOfMailing));
    }

    /**
     * One line per mail class for a piece of this weight between these codes: its quote or why it
     * cannot be sent so.
     */
    public List<Rate> rates(int grams, String origin, String destination, LocalDate date) {
        List<Rate> rates = new ArrayList<>();
        for (MailClass mc : MailClass.values()) {
            try {
                MailPiece piece = Forms.piece(mc, grams, origin, destination);
                rates.add(new Rate(mc, quote(piece, date), null));
            } catch (PostageException e) {
                if (e.retryable()) {
                    throw e;
                }
                rates.add(new Rate(mc, null, Messages.unavailable(e)));
            }
        }
        return rates;
    }

    /** A class and its quote, or the reason there is none. */
    public record Rate(MailClass mailClass, RateQuote quote, String unavailable) {
    }

    /** The server's background catalogue, cached for a few minutes. */
    public List<BackgroundImage> catalogue() {
        if (catalogue == null || Instant.now().isAfter(catalogueAt.plus(CATALOGUE_TTL))) {
            catalogue = postal.backgrounds().images();
            catalogueAt = Instant.now();
        }
        return catalogue;
    }

    /** The catalogue picture {@code id}, checked. */
    public Optional<Background> catalogueBackground(String id) {
        return catalogue().stream().filter(b -> b.id().equals(id)).findFirst()
                .map(b -> checked.computeIfAbsent("catalogue:" + b.id() + ":" + b.content().sha256Hex(),
                        k -> BackgroundImages.check(b)));
    }

    /** The print component the postal server publishes (fetched once). */
    public PrintComponent printComponent() {
        PrintComponent p = printComponent;
        if (p == null) {
            p = postal.printComponent();
            printComponent = p;
        }
        return p;
    }

    /** The renderer. */
    public StampRenderer renderer() {
        return renderer;
    }

    /** The label sheet layout. */
    public SheetLayout sheetLayout() {
        return sheets.layout();
    }

    /**
     * A preview of the stamp a quote buys: a specimen (test) indicium with the quote's values and
     * no valid signature, composed with {@code background}. It shows what the stamp will look like;
     * it is not postage.
     */
    public RenderedImage preview(MailClass mailClass, int grams, String origin, String destination, long price,
                                 String currency, LocalDate date, Background background) {
        MailPiece piece = Forms.piece(mailClass, grams, origin, destination);
        IndiciumData data = IndiciumData.builder().algorithm(SignatureAlgorithm.ECDSA_P256_SHA256).keyId(0).vendorId(0)
                .meterId(1).pieceSerial(1).ascendingRegister(price).descendingRegister(0)
                .postage(org.openpostage.api.model.Money.of(price, currency)).dateOfMailing(date)
                .origin(piece.origin()).destination(piece.destination()).mailClass(mailClass).softwareId(0)
                .testMode(true).build();
        SignedIndicium specimen = IndiciumCodec.assemble(data, new byte[IndiciumCodec.SIGNATURE_LENGTH]);
        return renderer.png(specimen, background);
    }

    /** The stamp as PNG. */
    public RenderedImage png(byte[] indicium, Background background) {
        return renderer.png(IndiciumCodec.decode(indicium), background);
    }

    /** The stamp as PDF. */
    public RenderedImage pdf(byte[] indicium, Background background) {
        return renderer.pdf(IndiciumCodec.decode(indicium), background);
    }

    /** Stamps on A4 label sheets, as one PDF. */
    public RenderedImage sheetPdf(List<Stamp> stamps) {
        return sheets.pdf(stamps);
    }

    /** How many A4 label sheets {@code stamps} stamps fill. */
    public int sheetCount(int stamps) {
        return sheets.pageCount(stamps, 0);
    }

    /** Label sheet {@code page} (from 1) of {@code stamps}, as PNG: what the print page prints for several stamps. */
    public RenderedImage sheetPng(List<Stamp> stamps, int page) {
        int perSheet = sheets.layout().capacity();
        int from = (page - 1) * perSheet;
        return sheets.png(stamps.subList(from, Math.min(stamps.size(), from + perSheet))).get(0);
    }

    /** The printed size of one stamp. */
    public SizeMm stampSize(boolean withBackground) {
        return renderer.size(withBackground);
    }
}
