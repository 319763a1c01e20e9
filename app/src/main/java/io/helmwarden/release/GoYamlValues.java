package io.helmwarden.release;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Values YAML read as Helm 2 and helm-2to3 read it (ghodss/yaml over go-yaml v2, then a JSON round trip), not
 * as SnakeYAML's defaults would: YAML 1.1 booleans including {@code y}/{@code n}, integers as Go's
 * {@code ParseInt(s, 0, 64)} reads them ({@code 0123} is octal 83, underscores dropped), timestamps kept as
 * strings, every number a float64 afterwards ({@code 1.0} becomes {@code 1}) and map keys as strings, sorted as
 * Go's JSON encoder writes them.
 */
public final class GoYamlValues {

    private static final Pattern GO_NULL = Pattern.compile("^(?:~|null|Null|NULL|)$");
    private static final Pattern GO_BOOL = Pattern.compile(
            "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
    /** Anything go-yaml may read as a number; {@link GoNumber} decides, or keeps the text. */
    private static final Pattern NUMBER_LIKE = Pattern.compile(
            "^(?:[-+]?[0-9.][0-9a-zA-Z_.+-]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
    private static final Pattern GO_FLOAT = Pattern.compile("^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$");
    private static final Pattern GO_MERGE = Pattern.compile("^<<$");
    private static final int MAX_CODE_POINTS = 32 * 1024 * 1024;

    private GoYamlValues() {
    }

    /**
     * The values as Helm 3 stores them: a map with string keys (sorted), JSON-compatible values; empty for blank
     * YAML, as {@code chartutil.ReadValues} returns it.
     *
     * @throws IllegalArgumentException with the parser's reason when the YAML is not a map of values
     */
    public static Map<String, Object> parse(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return new TreeMap<>();
        }
        Object document;
        try {
            document = yaml().load(yaml);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("the values are not valid YAML: " + firstLine(e.getMessage()));
        }
        if (document == null) {
            return new TreeMap<>();
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the values are not a map but " + document.getClass().getSimpleName());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) asJson(map);
        return values;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        return new Yaml(new GoConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options,
                new GoResolver());
    }

    /** What the JSON round trip makes of a value: string keys, float64 numbers, no other types. */
    private static Object asJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> json = new TreeMap<>();
            map.forEach((key, item) -> json.put(key(key), asJson(item)));
            return json;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(GoYamlValues::asJson).toList();
        }
        if (value instanceof Number number) {
            return float64(number.doubleValue());
        }
        if (value == null || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof byte[]) {
            throw new IllegalArgumentException("the values hold binary data, which JSON cannot carry");
        }
        return value.toString();
    }

    /** A float64 as Go's encoder writes it: integral values without a fraction. */
    private static Object float64(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("the values hold " + value + ", which JSON cannot carry");
        }
        if (value == Math.rint(value) && Math.abs(value) < 9.0e18) {
            return (long) value;
        }
        return value;
    }

    private static String key(Object key) {
        if (key instanceof Number number) {
            return String.valueOf(float64(number.doubleValue()));
        }
        return String.valueOf(key);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /**
     * go-yaml v2's implicit types: no timestamps, its own boolean words, numbers decided by {@link GoNumber}. (The
     * patterns are named GO_*: Resolver's own BOOL, NULL and MERGE would shadow same-named fields here.)
     */
    private static final class GoResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, GO_BOOL, "yYnNtTfFoO", 10);
            addImplicitResolver(Tag.INT, NUMBER_LIKE, "-+0123456789.", 64);
            addImplicitResolver(Tag.MERGE, GO_MERGE, "<", 10);
            addImplicitResolver(Tag.NULL, GO_NULL, "~nN\0", 10);
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null, 10);
        }
    }

    private static final class GoConstructor extends SafeConstructor {
        GoConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(Tag.BOOL, new GoBool());
            yamlConstructors.put(Tag.INT, new GoNumber());
            yamlConstructors.put(Tag.FLOAT, new GoNumber());
            yamlConstructors.put(Tag.TIMESTAMP, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return constructScalar((ScalarNode) node);
                }
            });
        }

        private final class GoBool extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String text = constructScalar((ScalarNode) node);
                return switch (text) {
                    case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" -> Boolean.TRUE;
                    case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" -> Boolean.FALSE;
                    default -> text;
                };
            }
        }

        /** go-yaml v2's resolve: ParseInt base 0, then ParseUint, then its float syntax, then 0b; else a string. */
        private final class GoNumber extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String text = constructScalar((ScalarNode) node);
                switch (text) {
                    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
                        return Double.POSITIVE_INFINITY;
                    case "-.inf", "-.Inf", "-.INF":
                        return Double.NEGATIVE_INFINITY;
                    case ".nan", ".NaN", ".NAN":
                        return Double.NaN;
                    default:
                        break;
                }
                String plain = text.replace("_", "");
                BigInteger integer = parseGoInteger(plain);
                if (integer != null && integer.bitLength() < 64) {
                    return integer.longValue();
                }
                if (integer != null && integer.signum() > 0 && integer.bitLength() <= 64) {
                    return integer;
                }
                if (GO_FLOAT.matcher(plain).matches()) {
                    return Double.parseDouble(plain);
                }
                return text;
            }
        }
    }

    /** Go's {@code strconv.ParseInt(s, 0, ...)} syntax: sign, then 0x, 0o, 0b, a leading 0 (octal) or decimal. */
    private static BigInteger parseGoInteger(String plain) {
        String digits = plain;
        boolean negative = false;
        if (digits.startsWith("+") || digits.startsWith("-")) {
            negative = digits.startsWith("-");
            digits = digits.substring(1);
        }
        int radix = 10;
        String lower = digits.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            digits = digits.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return null;
        }
        try {
            BigInteger value = new BigInteger(digits, radix);
            return negative ? value.negate() : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
