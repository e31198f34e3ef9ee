// Oracle: Maven's own ComparableVersion (maven-artifact, Debian package libmaven3-core-java).
// Reads "A<TAB>B" lines on stdin; prints the sign of A.compareTo(B) per line. Run as a single-file
// source program: java -cp maven-artifact.jar MavenCompare.java
import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;
public class MavenCompare {
  public static void main(String[] a) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = r.readLine()) != null) {
      int t = line.indexOf('\t');
      int c = new ComparableVersion(line.substring(0, t)).compareTo(new ComparableVersion(line.substring(t + 1)));
      out.append(Integer.signum(c)).append('\n');
    }
    System.out.print(out);
  }
}
