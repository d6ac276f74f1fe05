package org.openpostage.portal.internal.shop;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.PostalClient;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.indicium.IndiciumCodec;
import org.openpostage.api.indicium.IndiciumData;
import org.openpostage.api.indicium.SignatureAlgorithm;
import org.openpostage.api.indicium.SignedIndicium;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PrintComponent;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RateQuote;
import org.openpostage.api.model.RenderedImage;
import org.openpostage.api.value.MailClass;
import org.openpostage.render.AddressLabelRenderer;
import org.openpostage.render.Background;
import org.openpostage.render.BackgroundImages;
import org.openpostage.render.EnvelopeLayout;
import org.openpostage.render.EnvelopeRenderer;
import org.openpostage.render.OperatorMarks;
import org.openpostage.render.SheetLayout;
import org.openpostage.render.SheetRenderer;
import org.openpostage.render.ShippingLabelRenderer;
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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Postage.class);

    private final PostalClient postal;
    private final StampRenderer renderer;
    private final SheetRenderer sheets;
    private final SheetRenderer letterSheets;
    private final Map<String, Background> checked = new ConcurrentHashMap<>();
    private volatile List<BackgroundImage> catalogue;
    private volatile Instant catalogueAt = Instant.EPOCH;
    private volatile PrintComponent printComponent;

    /** @param postal the client of the postal server */
    public Postage(PostalClient postal) {
        this(postal, null);
    }

    /** @param postal the client of the postal server; @param operatorMark the mark on composed stamps, or null */
    public Postage(PostalClient postal, String operatorMark) {
        this.postal = postal;
        this.renderer = StampRenderer.builder().marks(OperatorMarks.DEFAULT.withOperatorMark(operatorMark)).build();
        this.sheets = SheetRenderer.of(renderer, SheetLayout.A4);
        this.letterSheets = SheetRenderer.of(renderer, SheetLayout.US_LETTER);
    }

    /** The stamp sheets of {@code paper} ({@code letter} or {@code a4}). */
    public SheetRenderer sheets(String paper) {
        return "letter".equals(paper) ? letterSheets : sheets;
    }

    /** The address label sheets of {@code paper}: 30-up Letter or 21-up A4. */
    public AddressLabelRenderer addressSheets(String paper) {
        return AddressLabelRenderer.of("letter".equals(paper) ? SheetLayout.US_LETTER_30 : SheetLayout.A4_21);
    }

    /** Envelopes of {@code layout}. */
    public EnvelopeRenderer envelopes(EnvelopeLayout layout) {
        return EnvelopeRenderer.of(renderer, layout);
    }

    /** 4 x 6 in shipping labels at {@code dpi} (203 for thermal printers, 300 for PDFs and previews). */
    public ShippingLabelRenderer labels(int dpi) {
        return ShippingLabelRenderer.of(renderer.withDpi(dpi));
    }

    /** The stamp as a ZPL label for a thermal printer at {@code dpi}. */
    public String zpl(byte[] indicium, int dpi) {
        return renderer.withDpi(dpi).zpl(IndiciumCodec.decode(indicium));
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
                // Say why in the shop's words: is the class sold at all, only not at this weight?
                boolean lighterSells = grams > 1 && sells(Forms.piece(mc, 1, origin, destination), date);
                boolean needsDestination = !lighterSells && destination == null
                        && sells(Forms.piece(mc, 1, origin, origin), date);
                log.debug("{} not available for {} g: {}", mc, grams, e.getMessage());
                rates.add(new Rate(mc, null, Messages.unavailable(e, lighterSells, needsDestination)));
            }
        }
        return rates;
    }

    private boolean sells(MailPiece piece, LocalDate date) {
        try {
            quote(piece, date);
            return true;
        } catch (PostageException e) {
            return false;
        }
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
        return renderer.png(specimen(mailClass, grams, origin, destination, price, currency, date), background);
    }

    /** The specimen indicium {@link #preview} draws: what an envelope or label preview shows too. */
    public SignedIndicium specimen(MailClass mailClass, int grams, String origin, String destination, long price,
                                   String currency, LocalDate date) {
        MailPiece piece = Forms.piece(mailClass, grams, origin, destination);
        IndiciumData data = IndiciumData.builder().algorithm(SignatureAlgorithm.ECDSA_P256_SHA256).keyId(0).vendorId(0)
                .meterId(1).pieceSerial(1).ascendingRegister(price).descendingRegister(0)
                .postage(org.openpostage.api.value.Money.of(price, currency)).dateOfMailing(date)
                .origin(piece.origin()).destination(piece.destination()).mailClass(mailClass).softwareId(0)
                .testMode(true).build();
        return IndiciumCodec.assemble(data, new byte[IndiciumCodec.SIGNATURE_LENGTH]);
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

    /** Stamps on label sheets of {@code paper}, as one PDF, from label {@code firstLabel} (0 for a fresh sheet). */
    public RenderedImage sheetPdf(List<Stamp> stamps, String paper, int firstLabel) {
        return sheets(paper).pdf(stamps, firstLabel);
    }

    /** How many A4 label sheets {@code stamps} stamps fill. */
    public int sheetCount(int stamps) {
        return sheets.pageCount(stamps, 0);
    }

    /** How many sheets of {@code paper} {@code stamps} stamps fill from label {@code firstLabel}. */
    public int sheetCount(int stamps, String paper, int firstLabel) {
        return sheets(paper).pageCount(stamps, firstLabel);
    }

    /** Label sheet {@code page} (from 1) of {@code stamps}, as PNG: what the print page prints for several stamps. */
    public RenderedImage sheetPng(List<Stamp> stamps, int page) {
        return sheetPng(stamps, page, "a4", 0);
    }

    /** Sheet {@code page} (from 1) of {@code stamps} on {@code paper} from label {@code firstLabel}, as PNG. */
    public RenderedImage sheetPng(List<Stamp> stamps, int page, String paper, int firstLabel) {
        SheetRenderer s = sheets(paper);
        int perSheet = s.layout().capacity();
        int from = page == 1 ? 0 : perSheet - firstLabel + (page - 2) * perSheet;
        int to = Math.min(stamps.size(), page == 1 ? perSheet - firstLabel : from + perSheet);
        return s.png(stamps.subList(from, to), page == 1 ? firstLabel : 0).get(0);
    }

    /** The printed size of one stamp. */
    public SizeMm stampSize(boolean withBackground) {
        return renderer.size(withBackground);
    }
}
