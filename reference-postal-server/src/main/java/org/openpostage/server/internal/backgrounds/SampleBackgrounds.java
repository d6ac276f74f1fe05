package org.openpostage.server.internal.backgrounds;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.openpostage.api.model.BackgroundImage;
import org.openpostage.api.value.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample background images shipped with the server, in the resource folder
 * {@code backgrounds/}: a {@code catalogue.properties} naming each image's id, title, file,
 * width and height, and the image files beside it.
 *
 * <p>The catalogue groups properties by the part of the key before the last dot, so both
 * {@code harbour.title=...} and {@code background.harbour.title=...} work; a group with a
 * {@code file} is one image, whose id is its {@code id} property or else the group's last name.
 * An optional {@code order} (or {@code ids}) property lists ids in display order. The size is read
 * from the image header, which wins over the catalogue. Missing or broken entries are skipped
 * with a warning: the server starts without them.
 */
public final class SampleBackgrounds {
    /** The classpath folder of the samples. */
    public static final String FOLDER = "/backgrounds/";

    private static final Logger log = LoggerFactory.getLogger(SampleBackgrounds.class);

    private SampleBackgrounds() {
    }

    /** The samples on the class path; empty if there are none. */
    public static List<BackgroundImage> load() {
        Properties p = new Properties();
        try (InputStream in = SampleBackgrounds.class.getResourceAsStream(FOLDER + "catalogue.properties")) {
            if (in == null) {
                log.debug("no sample backgrounds: {}catalogue.properties is not on the class path", FOLDER);
                return List.of();
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (IOException e) {
            log.warn("cannot read the sample background catalogue: {}", e.getMessage());
            return List.of();
        }
        Map<String, Map<String, String>> groups = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            int dot = key.lastIndexOf('.');
            if (dot > 0) {
                groups.computeIfAbsent(key.substring(0, dot), g -> new LinkedHashMap<>())
                        .put(key.substring(dot + 1), p.getProperty(key).strip());
            }
        }
        Map<String, BackgroundImage> byId = new LinkedHashMap<>();
        for (var group : groups.entrySet()) {
            Map<String, String> attrs = group.getValue();
            if (!attrs.containsKey("file")) {
                continue;
            }
            String name = group.getKey();
            String id = attrs.getOrDefault("id", name.substring(name.lastIndexOf('.') + 1));
            BackgroundImage image = image(id, attrs);
            if (image != null) {
                byId.put(id, image);
            }
        }
        return ordered(byId, p.getProperty("order", p.getProperty("ids")));
    }

    private static BackgroundImage image(String id, Map<String, String> attrs) {
        String file = attrs.get("file");
        try (InputStream in = SampleBackgrounds.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                log.warn("sample background '{}': file {} is missing", id, file);
                return null;
            }
            byte[] bytes = in.readAllBytes();
            ImageHeader header = ImageHeader.read(bytes);
            String declared = attrs.get("width") + "x" + attrs.get("height");
            if (attrs.containsKey("width") && !declared.equals(header.widthPx() + "x" + header.heightPx())) {
                log.warn("sample background '{}': catalogue says {} but {} is {}x{}; using the file's size", id,
                        declared, file, header.widthPx(), header.heightPx());
            }
            return new BackgroundImage(id, attrs.getOrDefault("title", id), header.mediaType(), Bytes.of(bytes),
                    header.widthPx(), header.heightPx());
        } catch (IOException | RuntimeException e) {
            log.warn("sample background '{}' skipped: {}", id, e.getMessage());
            return null;
        }
    }

    private static List<BackgroundImage> ordered(Map<String, BackgroundImage> byId, String order) {
        List<BackgroundImage> result = new ArrayList<>();
        if (order != null) {
            Arrays.stream(order.split("[,\\s]+")).map(byId::remove).filter(java.util.Objects::nonNull).forEach(result::add);
        }
        result.addAll(byId.values());
        return List.copyOf(result);
    }
}
