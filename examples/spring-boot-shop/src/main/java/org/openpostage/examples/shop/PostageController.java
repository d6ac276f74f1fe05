package org.openpostage.examples.shop;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.openpostage.api.CallContext;
import org.openpostage.api.PostalClient;
import org.openpostage.api.error.PostageException;
import org.openpostage.api.model.MailPiece;
import org.openpostage.api.model.PaymentMethod;
import org.openpostage.api.model.PrintOptions;
import org.openpostage.api.model.PurchaseItem;
import org.openpostage.api.model.PurchaseRequest;
import org.openpostage.api.model.QuoteRequest;
import org.openpostage.api.model.RefundRequest;
import org.openpostage.api.value.MailClass;
import org.openpostage.api.value.PostalCode;
import org.openpostage.api.value.Weight;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Quote, buy, show the stamp, refund. The shop pays from its prepaid postage account and charges
 * its customer in its own checkout (not shown). The calls return futures, so no request thread
 * waits for the postal server. Stamps are kept in memory; a real shop keeps them with its orders.
 */
@Controller
class PostageController {
    private final Map<String, byte[]> stamps = new ConcurrentHashMap<>();
    private final PostalClient postal;

    PostageController(PostalClient postal) {
        this.postal = postal;
    }

    /** What the customer sends: the piece, and on buying the order's id. */
    record Order(MailClass mailClass, int grams, String from, String to) {
        MailPiece piece() {
            return MailPiece.of(mailClass, Weight.ofGrams(grams), PostalCode.of(from)).withDestination(PostalCode.of(to));
        }
    }

    @GetMapping("/")
    String form() {
        return "index";
    }

    @PostMapping("/quote")
    CompletableFuture<String> quote(Order order, Model model) {
        return postal.quoteAsync(QuoteRequest.of(order.piece())).thenApply(quote -> {
            model.addAttribute("quote", quote).addAttribute("orderId", UUID.randomUUID().toString());
            return "quote";
        });
    }

    /** Buys at the current price; the order id is the idempotency key, so a second click buys nothing more. */
    @PostMapping("/buy")
    CompletableFuture<String> buy(Order order, @RequestParam String orderId) {
        return postal.quoteAsync(QuoteRequest.of(order.piece()))
                .thenCompose(quote -> postal.purchaseAsync(PurchaseRequest.of(List.of(PurchaseItem.of(quote)),
                        PaymentMethod.account()).withPrint(PrintOptions.png(300)), CallContext.withKey(orderId)))
                .thenApply(purchase -> {
                    var stamp = purchase.indicia().get(0);
                    stamps.put(stamp.indiciumId(), stamp.image().content().toArray());
                    return "redirect:/stamps/" + stamp.indiciumId();
                });
    }

    @GetMapping("/stamps/{id}")
    String stamp(@PathVariable String id, Model model) {
        model.addAttribute("id", known(id));
        return "stamp";
    }

    @GetMapping(value = "/stamps/{id}.png", produces = MediaType.IMAGE_PNG_VALUE)
    @ResponseBody
    byte[] stampImage(@PathVariable String id) {
        return stamps.get(known(id));
    }

    @PostMapping("/stamps/{id}/refund")
    CompletableFuture<String> refund(@PathVariable String id, Model model) {
        return postal.refundAsync(new RefundRequest(known(id)), CallContext.withKey("refund-" + id)).thenApply(refund -> {
            model.addAttribute("id", id).addAttribute("refund", refund);
            return "stamp";
        });
    }

    /** The postal server's refusals (a piece it does not sell, an empty account, a second refund), for the customer. */
    @ExceptionHandler(PostageException.class)
    @ResponseStatus(HttpStatus.UNPROCESSABLE_ENTITY)
    String refused(PostageException e, Model model) {
        model.addAttribute("problem", e.getMessage());
        return "refused";
    }

    private String known(String id) {
        if (!stamps.containsKey(id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "this shop sold no stamp " + id);
        }
        return id;
    }
}
