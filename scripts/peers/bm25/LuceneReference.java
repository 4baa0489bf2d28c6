// Lucene's own analysis and BM25 scores for the committed corpus: the baseline the Rust index
// reproduces (EnglishAnalyzer chain = Anserini's DefaultEnglishAnalyzer with Porter stemming,
// BM25Similarity(k1 = 0.9, b = 0.4), bag-of-words query, one SHOULD clause per query token).
//
// Run by reference.py (needs Debian's liblucene8-java and a JDK):
//   javac -cp CP -d OUT LuceneReference.java && java -cp CP:OUT LuceneReference IN.tsv
// IN.tsv: lines "D<TAB>id<TAB>text" (documents) and "Q<TAB>id<TAB>text" (queries).
// Prints "T<TAB>D|Q<TAB>id<TAB>tok tok ...", "N<TAB>docCount<TAB>sumTotalTermFreq" and
// "S<TAB>qid<TAB>docid<TAB>score" (every matching document, Float.toString precision).

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

public class LuceneReference {
  static List<String> analyze(Analyzer a, String text) throws Exception {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream("body", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    List<String[]> docs = new ArrayList<>();
    List<String[]> queries = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", 3);
        (f[0].equals("D") ? docs : queries).add(new String[] {f[1], f[2]});
      }
    }
    Analyzer analyzer = new EnglishAnalyzer(); // ENGLISH_STOP_WORDS_SET, PorterStemFilter
    BM25Similarity bm25 = new BM25Similarity(0.9f, 0.4f);
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setSimilarity(bm25);
    try (IndexWriter w = new IndexWriter(dir, cfg)) {
      for (String[] d : docs) {
        Document doc = new Document();
        doc.add(new StringField("id", d[0], Field.Store.YES));
        doc.add(new TextField("body", d[1], Field.Store.NO));
        w.addDocument(doc);
        System.out.println("T\tD\t" + d[0] + "\t" + String.join(" ", analyze(analyzer, d[1])));
      }
    }
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      IndexSearcher s = new IndexSearcher(reader);
      s.setSimilarity(bm25);
      CollectionStatistics cs = s.collectionStatistics("body");
      System.out.println("N\t" + cs.docCount() + "\t" + cs.sumTotalTermFreq());
      for (String[] q : queries) {
        List<String> toks = analyze(analyzer, q[1]);
        System.out.println("T\tQ\t" + q[0] + "\t" + String.join(" ", toks));
        if (toks.isEmpty()) {
          continue;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String t : toks) {
          b.add(new TermQuery(new Term("body", t)), BooleanClause.Occur.SHOULD);
        }
        TopDocs top = s.search(b.build(), Math.max(1, docs.size()));
        for (ScoreDoc sd : top.scoreDocs) {
          String id = s.doc(sd.doc).get("id");
          System.out.println("S\t" + q[0] + "\t" + id + "\t" + sd.score);
        }
      }
    }
  }
}
