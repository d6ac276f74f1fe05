package org.openpostage.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openpostage.api.model.BackgroundImage;

/**
 * Writes the figures of {@code docs/rendering.md} ({@code docs/images/}) from the code that renders
 * real stamps: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.openpostage.render.DocImages -Dexec.args=../docs/images}.
 */
public final class DocImages {
    private DocImages() {
    }

    /** Writes the sample stamps into the directory {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        StampRenderer renderer = StampRenderer.defaults();
        CatalogueBackgrounds.Entry hills = CatalogueBackgrounds.ENTRIES.get(0);
        byte[] picture = TestPictures.png(hills.draw());
        Background background = BackgroundImages.check(new BackgroundImage(hills.id(), hills.title(), "image/png",
                org.openpostage.api.value.Bytes.of(picture), CatalogueBackgrounds.WIDTH, CatalogueBackgrounds.HEIGHT));
        Files.write(dir.resolve("stamp-plain.png"), renderer.png(TestIndicia.letter(42)).content().toArray());
        Files.write(dir.resolve("stamp-background.png"),
                renderer.png(TestIndicia.parcel(43), background).content().toArray());
        Files.write(dir.resolve("stamp-specimen.png"), renderer.png(TestIndicia.specimen(44)).content().toArray());
        OperatorMarks us = OperatorMarks.DEFAULT.withOperatorMark("US POSTAGE")
                .withProductCode(org.openpostage.api.value.MailClass.LETTER, "FCM LTR");
        Files.write(dir.resolve("stamp-marks.png"), StampRenderer.builder().marks(us).build()
                .png(TestIndicia.letter(45)).content().toArray());
        Files.write(dir.resolve("stamp-framed.png"), renderer.png(TestIndicia.parcel(46),
                background.framed(PictureFrame.focus(0.8, 0.3))).content().toArray());
        var sender = org.openpostage.api.model.Address.of("US", "Ada Lovelace", java.util.List.of("1 Market St",
                "Suite 200"), "San Francisco", "CA", "94107-1234");
        var recipient = org.openpostage.api.model.Address.of("US", "Grace Hopper", java.util.List.of("350 Fifth Avenue"),
                "New York", "NY", "10118-0110");
        var german = org.openpostage.api.model.Address.of("DE", "Erika Mustermann", java.util.List.of("Heidestraße 17"),
                "Köln", null, "51147");
        var piece = new AddressedStamp(Stamp.of(TestIndicia.letter(47)), sender, recipient);
        Files.write(dir.resolve("envelope-10.png"), EnvelopeRenderer.of(StampRenderer.builder().marks(us).build(),
                EnvelopeLayout.NUMBER_10).png(piece, 150).content().toArray());
        var toGermany = new AddressedStamp(Stamp.of(TestIndicia.letter(48)),
                org.openpostage.api.model.Address.of("DE", "Max Muster", java.util.List.of("Hauptstraße 1"), "Berlin",
                        null, "10115"), german);
        Files.write(dir.resolve("envelope-dl.png"), EnvelopeRenderer.of(renderer, EnvelopeLayout.DL)
                .png(toGermany, 150).content().toArray());
        Files.write(dir.resolve("label-4x6.png"), ShippingLabelRenderer.of(StampRenderer.builder().dpi(203).build())
                .png(new AddressedStamp(Stamp.of(org.openpostage.api.indicium.IndiciumCodec.sign(TestIndicia.data(49)
                        .mailClass(org.openpostage.api.value.MailClass.PRIORITY_PARCEL)
                        .postage(org.openpostage.api.value.Money.of(2150, "USD"))
                        .destination(org.openpostage.api.value.PostalCode.of("51147")).build(), TestIndicia.EC_SIGNER)),
                        sender, german)).content().toArray());
        java.util.List<org.openpostage.api.model.Address> many = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            many.add(i % 2 == 0 ? recipient : german);
        }
        Files.write(dir.resolve("address-sheet-letter.png"), AddressLabelRenderer.of(SheetLayout.US_LETTER_30)
                .png(many, "US", 4, 150).get(0).content().toArray());
        System.out.println("wrote sample stamps to " + dir.toAbsolutePath());
    }
}
