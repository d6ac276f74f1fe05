package org.openpostage.portal.internal.shop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The print-only stylesheet that the postal server's print component inserts into the page, read
 * out of the component's own script, so that the print page's Content-Security-Policy can allow
 * exactly it by hash (and no other inline style) whatever component version the server publishes.
 *
 * <p>The component builds it in {@code function css(widthMm, heightMm)} from single-quoted string
 * literals, its parameters and constants joined with {@code +}: that small part of JavaScript is
 * evaluated here, and anything else in it is refused with an exception naming what was not
 * understood (the browser test of the print page then fails on a CSP violation rather than
 * printing unstyled).
 */
public final class PrintStyle {
    private static final Pattern FUNCTION = Pattern.compile("function css\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*\\)\\s*\\{");
    private static final Pattern TOP_CONSTANT = Pattern.compile("(?m)^const (\\w+) = ('(?:[^'\\\\\\n]|\\\\.)*');$");
    private static final Pattern LOCAL_CONSTANT = Pattern.compile("(?s)const (\\w+) = (.+)");

    private final Map<String, String> constants;
    private final String widthParam;
    private final String heightParam;
    private final List<String> body;

    private PrintStyle(Map<String, String> constants, String widthParam, String heightParam, List<String> body) {
        this.constants = constants;
        this.widthParam = widthParam;
        this.heightParam = heightParam;
        this.body = body;
    }

    /**
     * Reads the stylesheet function out of the component's script.
     *
     * @throws IllegalStateException if the script has no such function, or one this class cannot evaluate
     */
    public static PrintStyle of(String script) {
        Matcher f = FUNCTION.matcher(script);
        if (!f.find()) {
            throw new IllegalStateException("the print component has no function css(widthMm, heightMm)");
        }
        Map<String, String> constants = new HashMap<>();
        Matcher c = TOP_CONSTANT.matcher(script);
        while (c.find()) {
            constants.put(c.group(1), literal(c.group(2)));
        }
        PrintStyle style = new PrintStyle(constants, f.group(1), f.group(2), statements(script, f.end()));
        style.css("1", "1"); // fails now, not on the first print page, when the function is not understood
        return style;
    }

    /** The stylesheet for a page of {@code widthMm} × {@code heightMm}, numbers as JavaScript prints them. */
    public String css(String widthMm, String heightMm) {
        Map<String, String> scope = new HashMap<>(constants);
        scope.put(widthParam, widthMm);
        scope.put(heightParam, heightMm);
        for (String statement : body) {
            Matcher local = LOCAL_CONSTANT.matcher(statement);
            if (local.matches()) {
                scope.put(local.group(1), evaluate(local.group(2), scope));
            } else if (statement.startsWith("return ")) {
                return evaluate(statement.substring("return ".length()), scope);
            } else {
                throw new IllegalStateException("the print component's css function has a statement this portal cannot"
                        + " evaluate: " + statement);
            }
        }
        throw new IllegalStateException("the print component's css function returns nothing");
    }

    /** The CSP source ({@code sha256-…}) that allows the stylesheet for this size. */
    public String cspHash(String widthMm, String heightMm) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(css(widthMm, heightMm).getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The function body's statements, split at semicolons outside string literals, up to its closing brace. */
    private static List<String> statements(String script, int start) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = start; i < script.length(); i++) {
            char ch = script.charAt(i);
            if (ch == '\'') {
                int end = endOfLiteral(script, i);
                current.append(script, i, end);
                i = end - 1;
            } else if (ch == ';' || ch == '}') {
                if (!current.toString().isBlank()) {
                    out.add(current.toString().strip());
                }
                current.setLength(0);
                if (ch == '}') {
                    return out;
                }
            } else {
                current.append(ch);
            }
        }
        throw new IllegalStateException("the print component's css function does not end");
    }

    /** {@code a + 'b' + c}: string literals and names joined with {@code +}. */
    private static String evaluate(String expression, Map<String, String> scope) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean wantTerm = true;
        while (i < expression.length()) {
            char ch = expression.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (wantTerm && ch == '\'') {
                int end = endOfLiteral(expression, i);
                out.append(literal(expression.substring(i, end)));
                i = end;
                wantTerm = false;
            } else if (wantTerm && Character.isJavaIdentifierStart(ch)) {
                int end = i;
                while (end < expression.length() && Character.isJavaIdentifierPart(expression.charAt(end))) {
                    end++;
                }
                String name = expression.substring(i, end);
                if (!scope.containsKey(name)) {
                    throw new IllegalStateException("the print component's css function uses '" + name
                            + "', which this portal cannot evaluate");
                }
                out.append(scope.get(name));
                i = end;
                wantTerm = false;
            } else if (!wantTerm && ch == '+') {
                i++;
                wantTerm = true;
            } else {
                throw new IllegalStateException("the print component's css function has an expression this portal"
                        + " cannot evaluate, at: " + expression.substring(i, Math.min(expression.length(), i + 40)));
            }
        }
        if (wantTerm) {
            throw new IllegalStateException("the print component's css function has an incomplete expression");
        }
        return out.toString();
    }

    /** The index just after the single-quoted literal starting at {@code start}. */
    private static int endOfLiteral(String s, int start) {
        for (int i = start + 1; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\') {
                i++;
            } else if (ch == '\'') {
                return i + 1;
            } else if (ch == '\n') {
                break;
            }
        }
        throw new IllegalStateException("the print component has an unterminated string literal");
    }

    /** The value of a single-quoted JavaScript string literal (simple escapes only). */
    private static String literal(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char ch = quoted.charAt(i);
            if (ch != '\\') {
                out.append(ch);
                continue;
            }
            char next = quoted.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '\\', '\'', '"' -> out.append(next);
                default -> throw new IllegalStateException("the print component uses the escape \\" + next
                        + ", which this portal cannot evaluate");
            }
        }
        return out.toString();
    }
}
