/**
 * The page frame (title bar, one column of cards) and the choice of page for the current address.
 */
import { useEffect } from "preact/hooks";
import { AnalysisPage } from "./pages/analysis.js";
import { HomePage } from "./pages/home.js";
import { Link, location, matchRoute } from "./router.js";

export function App() {
  const route = matchRoute(location.value.path);
  useEffect(() => {
    if (route.page === "home") document.title = "tcpsleuth";
  }, [route.page]);
  return (
    <>
      <a class="skip" href="#content">
        Skip to the content
      </a>
      <header class="topbar">
        <Link href="/" class="brand" aria-label="tcpsleuth: home, list of analyses">
          <span class="brand-mark" aria-hidden="true">
            ⟷
          </span>
          tcpsleuth
        </Link>
        <span class="tagline">finds what went wrong in TCP connections, and who is at fault</span>
        <nav class="topnav">
          <Link href="/">All analyses</Link>
        </nav>
      </header>
      <main id="content" tabIndex={-1}>
        {route.page === "home" ? (
          <HomePage />
        ) : route.page === "missing" ? (
          <section class="card">
            <h1>Page not found</h1>
            <p>
              There is nothing at this address. <Link href="/">Go to the list of analyses.</Link>
            </p>
          </section>
        ) : (
          <AnalysisPage route={route} />
        )}
      </main>
    </>
  );
}
