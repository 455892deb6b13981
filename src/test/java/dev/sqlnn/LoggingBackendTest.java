package dev.sqlnn;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library logs through the SLF4J API and passes no logging backend on to the application that
 * depends on it: the command line's backend (slf4j-simple) is an optional dependency, in the fat jar only.
 */
class LoggingBackendTest {

    private static final java.util.Set<String> BACKENDS = java.util.Set.of("slf4j-simple", "slf4j-jdk14", "slf4j-reload4j",
            "logback-classic", "log4j-slf4j2-impl", "log4j-slf4j-impl", "slf4j-nop");

    @Test
    void noLoggingBackendIsPassedOnToApplications() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("pom.xml"));
        Element project = pom.getDocumentElement();
        Element dependencies = null; // the project's own, not dependencyManagement's
        for (org.w3c.dom.Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("dependencies")) dependencies = e;
        }
        NodeList list = dependencies.getElementsByTagName("dependency");
        int apis = 0;
        for (int i = 0; i < list.getLength(); i++) {
            Element d = (Element) list.item(i);
            String artifact = text(d, "artifactId");
            String scope = text(d, "scope");
            boolean passedOn = !"true".equals(text(d, "optional")) && (scope == null || scope.equals("compile") || scope.equals("runtime"));
            if (artifact.equals("slf4j-api") && passedOn) apis++;
            assertTrue(!BACKENDS.contains(artifact) || !passedOn, artifact + " would be passed on to applications");
        }
        assertEquals(1, apis, "the library depends on the SLF4J API");
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
