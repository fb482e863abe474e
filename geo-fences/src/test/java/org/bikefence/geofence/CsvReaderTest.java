package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaksNamingTheLineEachRecordStartsOn() throws Exception {
        List<CsvReader.Row> rows = readAll("\uFEFFid,note\r\n"
                + "a,\"one, two\"\r\n"
                + "b,\"say \"\"hi\"\"\nsecond line\r\nthird line\"\n"
                + "\n"
                + "c,last");

        assertThat(rows).extracting(CsvReader.Row::line).containsExactly(1, 2, 3, 6, 7);
        assertThat(rows.get(0).fields()).containsExactly("id", "note"); // the byte-order mark is gone
        assertThat(rows.get(1).fields()).containsExactly("a", "one, two");
        assertThat(rows.get(2).fields()).containsExactly("b", "say \"hi\"\nsecond line\r\nthird line");
        assertThat(rows.get(3).fields()).containsExactly("");
        assertThat(rows.get(4).fields()).containsExactly("c", "last");
    }

    @Test
    void keepsSpacesAndTextAfterAClosingQuote() throws Exception {
        assertThat(readAll(" a ,\"ab\"cd\n").get(0).fields()).containsExactly(" a ", "abcd");
    }

    @Test
    void aQuoteLeftOpenFailsNamingTheLineTheRecordStartsOn() throws Exception {
        try (CsvReader csv = new CsvReader(new StringReader("id,loc\n\"multi\nline\",x\nA,\"[1,2],\n[3,4]\n"))) {
            assertThat(csv.next().line()).isEqualTo(1);
            assertThat(csv.next().line()).isEqualTo(2);
            assertThatThrownBy(csv::next).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("line 4: ")
                    .hasMessageContaining("EOF reached before encapsulated token finished");
        }
    }

    @Test
    void joinQuotesOnlyFieldsThatNeedIt() {
        assertThat(CsvReader.join(List.of("p1", "a,b", "say \"hi\"", "two\nlines", "F1;F2")))
                .isEqualTo("p1,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",F1;F2");
    }

    private static List<CsvReader.Row> readAll(String text) throws Exception {
        List<CsvReader.Row> rows = new ArrayList<>();
        try (CsvReader csv = new CsvReader(new StringReader(text))) {
            CsvReader.Row r;
            while ((r = csv.next()) != null) {
                rows.add(r);
            }
        }
        return rows;
    }
}
