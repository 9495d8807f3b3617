package dev.normlab.backend.metric;

import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;

/** Typed PostgreSQL array parameters, so one statement carries a whole batch ({@code unnest(?, ?, …)}). */
final class PgArrays {

    private PgArrays() {
    }

    static AbstractSqlTypeValue bigints(Long[] values) {
        return of("int8", values);
    }

    static AbstractSqlTypeValue doubles(Double[] values) {
        return of("float8", values);
    }

    static AbstractSqlTypeValue texts(String[] values) {
        return of("text", values);
    }

    private static AbstractSqlTypeValue of(String type, Object[] values) {
        return new AbstractSqlTypeValue() {
            @Override
            protected Object createTypeValue(Connection connection, int sqlType, String typeName) throws SQLException {
                return connection.createArrayOf(type, values);
            }
        };
    }
}
