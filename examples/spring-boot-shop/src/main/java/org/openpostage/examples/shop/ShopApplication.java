package org.openpostage.examples.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop that sells postage through OpenPostage on Spring Boot: the starter connects the
 * {@link org.openpostage.api.PostalClient} from {@code application.properties}, and
 * {@link PostageController} quotes, buys, shows and refunds stamps with it.
 */
@SpringBootApplication
public class ShopApplication {

    /** Starts the shop. */
    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
