package org.openpostage.transport.xml.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLStreamReader2;
import org.codehaus.stax2.util.StreamReader2Delegate;

/**
 * A StAX reader that enforces what the protocol requires of every document before anything else
 * sees an event, and knows where it is in the document for error messages:
 *
 * <ul>
 *   <li>a document type declaration is rejected, not skipped (Woodstox with DTD support off would
 *       silently skip it);</li>
 *   <li>the root element must be the expected one, in the protocol's namespace;</li>
 *   <li>every element must be in the protocol's namespace and no attribute may have a namespace
 *       (so no {@code xsi:} tricks).</li>
 * </ul>
 *
 * A violation throws {@link XMLStreamException}; callers that see the exception come back wrapped
 * (the JDK's validator wraps it twice) ask {@link #rejection()} for the reason.
 */
final class GuardedReader extends StreamReader2Delegate {
    private final String expectedRoot;
    private final Deque<Frame> open = new ArrayDeque<>();
    private boolean popPending;
    private boolean rootSeen;
    private String rejection;

    GuardedReader(XMLStreamReader2 reader, String expectedRoot) {
        super(reader);
        this.expectedRoot = expectedRoot;
    }

    /** Why the document was rejected, or {@code null} if this reader rejected nothing. */
    String rejection() {
        return rejection;
    }

    /**
     * The position of the current element as an XPath-like path, for example
     * {@code purchaseRequest/items/item[2]/price}; list items carry their 1-based position.
     */
    String path() {
        if (open.isEmpty()) {
            return rootSeen ? expectedRoot : "document";
        }
        StringBuilder sb = new StringBuilder();
        for (var it = open.descendingIterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(f.name);
            if (f.listItem) {
                sb.append('[').append(f.position).append(']');
            }
        }
        return sb.toString();
    }

    /** The position of the current element's parent, or the root's name at the root. */
    String parentPath() {
        String p = path();
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }

    /**
     * Moves to the root element's start tag, rejecting a DOCTYPE on the way.
     *
     * @throws XMLStreamException if the document is malformed, has a DOCTYPE, is empty, or its root is not the expected one
     */
    void advanceToRoot() throws XMLStreamException {
        int event = getEventType();
        while (event != XMLStreamConstants.START_ELEMENT) {
            if (event == XMLStreamConstants.END_DOCUMENT) {
                throw reject("the body holds no element; expected <" + expectedRoot + ">");
            }
            event = next();
        }
    }

    @Override
    public int next() throws XMLStreamException {
        if (popPending) {
            open.pop();
            popPending = false;
        }
        int event = super.next();
        switch (event) {
            case XMLStreamConstants.DTD -> throw reject("a DOCTYPE declaration is not allowed: the protocol uses no DTD and no entities");
            case XMLStreamConstants.START_ELEMENT -> enter();
            case XMLStreamConstants.END_ELEMENT -> popPending = true;
            default -> {
                // text, comments, processing instructions: nothing to check
            }
        }
        return event;
    }

    @Override
    public int nextTag() throws XMLStreamException {
        while (true) {
            int event = next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT, XMLStreamConstants.END_ELEMENT -> {
                    return event;
                }
                case XMLStreamConstants.SPACE, XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                    // skipped, as the StAX contract says
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (!isWhiteSpace()) {
                        throw reject(path() + ": text is not allowed here");
                    }
                }
                default -> throw new XMLStreamException("expected a start or end tag, found event " + event);
            }
        }
    }

    @Override
    public void skipElement() throws XMLStreamException {
        // Go through next() so that every skipped element is checked and the path stays right.
        int depth = 1;
        while (depth > 0) {
            int event = next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    private void enter() throws XMLStreamException {
        String name = getLocalName();
        String ns = getNamespaceURI();
        if (!rootSeen) {
            rootSeen = true;
            if (!expectedRoot.equals(name) || !Wire.NS.equals(ns)) {
                throw reject("the body must be a <" + expectedRoot + "> element in namespace " + Wire.NS
                        + "; found <" + name + ">" + (ns == null || ns.isEmpty() ? " in no namespace" : " in namespace " + ns));
            }
        } else if (!Wire.NS.equals(ns)) {
            throw reject(path() + ": element <" + name + "> is in "
                    + (ns == null || ns.isEmpty() ? "no namespace" : "namespace " + ns)
                    + "; every element must be in namespace " + Wire.NS);
        }
        Frame parent = open.peek();
        int position = parent == null ? 1 : parent.childCount.merge(name, 1, Integer::sum);
        boolean listItem = parent != null && name.equals(Wire.LIST_ITEMS.get(parent.name));
        open.push(new Frame(name, position, listItem));
        for (int i = 0; i < getAttributeCount(); i++) {
            String attrNs = getAttributeNamespace(i);
            if (attrNs != null && !attrNs.isEmpty()) {
                throw reject(path() + ": attribute " + getAttributePrefix(i) + ":" + getAttributeLocalName(i)
                        + " is not allowed; the protocol uses no namespaced attributes");
            }
        }
    }

    private XMLStreamException reject(String message) {
        rejection = message;
        return new XMLStreamException(message);
    }

    /** An open element. */
    private static final class Frame {
        final String name;
        final int position;
        final boolean listItem;
        final Map<String, Integer> childCount = new HashMap<>();

        Frame(String name, int position, boolean listItem) {
            this.name = name;
            this.position = position;
            this.listItem = listItem;
        }
    }
}
