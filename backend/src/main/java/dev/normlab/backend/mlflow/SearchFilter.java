package dev.normlab.backend.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MLflow's search filter, the part users write most: comparisons joined with {@code AND}, e.g.
 * {@code metrics.loss < 1.5 and params.lr = '0.01' and tags.team = 'nlp' and attributes.status = 'FINISHED'}.
 * Keys may be quoted with backticks or double quotes ({@code metrics.`val loss`}); string values take single or
 * double quotes. Comparators: {@code = != < <= > >=} for numbers, {@code = != LIKE ILIKE} for strings, {@code IN (…)}
 * for attributes. {@code OR} and parentheses are refused with a clear message.
 */
record SearchFilter(List<Clause> clauses) {

    enum Kind { METRIC, PARAM, TAG, ATTRIBUTE }

    /** @param value a String, a Double, or a List of Strings (IN) */
    record Clause(Kind kind, String key, String op, Object value) {
    }

    static SearchFilter parse(String filter) {
        List<Clause> clauses = new ArrayList<>();
        if (filter == null || filter.isBlank()) {
            return new SearchFilter(clauses);
        }
        Scanner s = new Scanner(filter);
        while (true) {
            clauses.add(s.clause());
            s.skipSpace();
            if (s.atEnd()) {
                break;
            }
            String word = s.word();
            if (word.equalsIgnoreCase("or")) {
                throw MlflowException.invalid("Invalid filter '" + filter + "': OR is not supported, only AND");
            }
            if (!word.equalsIgnoreCase("and")) {
                throw MlflowException.invalid("Invalid filter '" + filter + "': expected AND at '" + word + "'");
            }
        }
        return new SearchFilter(clauses);
    }

    /** An order_by entry such as {@code metrics.loss ASC} or {@code start_time DESC}. */
    record Order(Kind kind, String key, boolean ascending) {

        static Order parse(String orderBy) {
            Scanner s = new Scanner(orderBy);
            Clause target = s.identifier();
            s.skipSpace();
            boolean ascending = true;
            if (!s.atEnd()) {
                String dir = s.word();
                if (dir.equalsIgnoreCase("desc")) {
                    ascending = false;
                } else if (!dir.equalsIgnoreCase("asc")) {
                    throw MlflowException.invalid("Invalid order_by clause '" + orderBy + "': expected ASC or DESC");
                }
                s.skipSpace();
                if (!s.atEnd()) {
                    throw MlflowException.invalid("Invalid order_by clause '" + orderBy + "'");
                }
            }
            return new Order(target.kind(), target.key(), ascending);
        }
    }

    private static final class Scanner {

        private final String text;
        private int pos;

        Scanner(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        void skipSpace() {
            while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        String word() {
            skipSpace();
            int start = pos;
            while (!atEnd() && Character.isLetter(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a word");
            }
            return text.substring(start, pos);
        }

        Clause clause() {
            Clause target = identifier();
            String op = comparator();
            Object value = value(op);
            return new Clause(target.kind(), target.key(), op, value);
        }

        /** {@code entity.key} (entity: metrics, params, tags, attributes and their singular forms) or a bare attribute. */
        Clause identifier() {
            skipSpace();
            if (!atEnd() && text.charAt(pos) == '(') {
                throw error("parentheses are not supported");
            }
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            String first = text.substring(start, pos);
            if (first.isEmpty()) {
                throw error("expected an identifier such as metrics.loss");
            }
            if (atEnd() || text.charAt(pos) != '.') {
                return new Clause(Kind.ATTRIBUTE, first.toLowerCase(Locale.ROOT), null, null);
            }
            pos++;
            Kind kind = switch (first.toLowerCase(Locale.ROOT)) {
                case "metric", "metrics" -> Kind.METRIC;
                case "param", "params", "parameter", "parameters" -> Kind.PARAM;
                case "tag", "tags" -> Kind.TAG;
                case "attribute", "attributes", "attr", "run" -> Kind.ATTRIBUTE;
                default -> throw error("unknown entity '" + first + "' (expected metrics, params, tags or attributes)");
            };
            String key;
            if (!atEnd() && (text.charAt(pos) == '`' || text.charAt(pos) == '"')) {
                key = quoted();
            } else {
                int keyStart = pos;
                while (!atEnd() && !Character.isWhitespace(text.charAt(pos)) && "<>=!".indexOf(text.charAt(pos)) < 0) {
                    pos++;
                }
                key = text.substring(keyStart, pos);
            }
            if (key.isEmpty()) {
                throw error("missing key after '" + first + ".'");
            }
            return new Clause(kind, kind == Kind.ATTRIBUTE ? key.toLowerCase(Locale.ROOT) : key, null, null);
        }

        String comparator() {
            skipSpace();
            for (String op : new String[] {"<=", ">=", "!=", "=", "<", ">"}) {
                if (text.startsWith(op, pos)) {
                    pos += op.length();
                    return op;
                }
            }
            String word = word().toUpperCase(Locale.ROOT);
            if (word.equals("NOT")) {
                if (word().equalsIgnoreCase("in")) {
                    return "NOT IN";
                }
                throw error("expected IN after NOT");
            }
            if (word.equals("LIKE") || word.equals("ILIKE") || word.equals("IN")) {
                return word;
            }
            throw error("unknown comparator '" + word + "'");
        }

        Object value(String op) {
            skipSpace();
            if (atEnd()) {
                throw error("missing value");
            }
            if (op.endsWith("IN")) {
                if (text.charAt(pos) != '(') {
                    throw error("IN takes a list: ('a', 'b')");
                }
                pos++;
                List<String> values = new ArrayList<>();
                while (true) {
                    skipSpace();
                    values.add(quoted());
                    skipSpace();
                    if (atEnd()) {
                        throw error("unclosed IN list");
                    }
                    char c = text.charAt(pos++);
                    if (c == ')') {
                        return values;
                    }
                    if (c != ',') {
                        throw error("expected , or ) in IN list");
                    }
                }
            }
            char c = text.charAt(pos);
            if (c == '\'' || c == '"') {
                return quoted();
            }
            int start = pos;
            while (!atEnd() && !Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            String number = text.substring(start, pos);
            try {
                return Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw error("'" + number + "' is neither a number nor a quoted string");
            }
        }

        String quoted() {
            if (atEnd()) {
                throw error("expected a quoted string");
            }
            char quote = text.charAt(pos);
            if (quote != '\'' && quote != '"' && quote != '`') {
                throw error("expected a quoted string");
            }
            StringBuilder out = new StringBuilder();
            pos++;
            while (true) {
                if (atEnd()) {
                    throw error("unclosed quote");
                }
                char c = text.charAt(pos++);
                if (c == quote) {
                    // a doubled quote stands for one
                    if (!atEnd() && text.charAt(pos) == quote) {
                        out.append(quote);
                        pos++;
                        continue;
                    }
                    return out.toString();
                }
                out.append(c);
            }
        }

        MlflowException error(String what) {
            return MlflowException.invalid("Invalid filter '" + text + "' at position " + pos + ": " + what);
        }
    }
}
