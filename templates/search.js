{% raw %}/* scholia search: runs queries against the index `scholia build` writes under
   search/ (format in docs/search.md). Each index file is a script that hands
   its data to scholiaSearch.load, so the index loads through <script> tags from
   any static host and from file:// alike; a query loads only the term shards
   of its words and the document chunks of the results it shows. */
(function () {
  "use strict";

  var PAGE_SIZE = 20;
  var MAX_TERM_CHARS = 40;
  var FORMAT_VERSION = 3;
  // A document's key in a map: its article's number times this, plus its
  // place in the article (no thread reaches 2^24 comments).
  var PER_ARTICLE = 16777216;
  var FINAL_DIGIT = 0x30;
  var MORE_DIGIT = 0x5e;
  var NOT_WORD = /[^\p{Alphabetic}\p{N}]+/u;

  // The site root is where this script lives: it works at any depth, under a
  // sub-path and from file://.
  var self = document.currentScript;
  var root = self ? self.src.replace(/[^\/]*$/, "") : "";
  var waiting = {};

  /* An index file's data, loaded once. */
  function indexFile(key) {
    var entry = waiting[key];
    if (!entry) {
      entry = waiting[key] = {};
      entry.promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        var tag = document.createElement("script");
        tag.src = root + "search/" + key + ".js";
        tag.onerror = function () {
          // Not kept: the next query tries the file again.
          delete waiting[key];
          reject(new Error("the search index file " + tag.src + " did not load"));
        };
        document.head.appendChild(tag);
      });
    }
    return entry.promise;
  }

  window.scholiaSearch = {
    load: function (key, data) {
      var entry = waiting[key];
      if (entry) {
        entry.resolve(data);
      }
    }
  };

  /* The index terms of a text, as the build makes them. */
  function terms(text) {
    return text.toLowerCase().split(NOT_WORD).filter(function (t) {
      return t && Array.from(t).length <= MAX_TERM_CHARS;
    });
  }

  /* FNV-1a (32 bits) of the term's UTF-8 bytes, modulo the shard count. */
  function shardOf(term, shards) {
    var bytes = new TextEncoder().encode(term);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
    }
    return hash % shards;
  }

  /* A term's postings as a map from document key (see PER_ARTICLE) to 1 (in
     a heading) or 0. Each number is in base 32, most significant digit first:
     a digit that more digits follow is a character from "^" on, the last digit
     one from "0" on. For each article holding the term, oldest first: the gap
     from the article number before (the first from 0), then its documents,
     each the gap from the place in the article before (the first from 0)
     times 2, plus 1 for a heading, all times 2, plus 1 for the article's last. */
  function postings(encoded) {
    var found = new Map();
    var article = 0;
    var place = 0;
    var inArticle = false;
    var value = 0;
    for (var i = 0; i < encoded.length; i++) {
      var code = encoded.charCodeAt(i);
      if (code >= MORE_DIGIT) {
        value = value * 32 + code - MORE_DIGIT;
        continue;
      }
      value = value * 32 + code - FINAL_DIGIT;
      if (!inArticle) {
        article += value;
        place = 0;
        inArticle = true;
      } else {
        var posting = Math.floor(value / 2);
        place += Math.floor(posting / 2);
        found.set(article * PER_ARTICLE + place, posting % 2);
        inArticle = value % 2 === 0;
      }
      value = 0;
    }
    return found;
  }

  /* The documents holding every word, heading matches first, then in site
     order (newest article first, each followed by its comments). */
  function lookUp(words) {
    return indexFile("manifest").then(function (manifest) {
      if (manifest.version !== FORMAT_VERSION) {
        throw new Error("the search index is of another version; rebuild the site");
      }
      return Promise.all(words.map(function (word) {
        return indexFile("terms/" + shardOf(word, manifest.shards)).then(function (shard) {
          return postings(Object.prototype.hasOwnProperty.call(shard, word) ? shard[word] : "");
        });
      })).then(function (lists) {
        lists.sort(function (a, b) { return a.size - b.size; });
        var hits = [];
        lists[0].forEach(function (heading, key) {
          var score = heading;
          for (var i = 1; i < lists.length; i++) {
            if (!lists[i].has(key)) {
              return;
            }
            score += lists[i].get(key);
          }
          hits.push({ article: Math.floor(key / PER_ARTICLE), place: key % PER_ARTICLE, score: score });
        });
        hits.sort(function (a, b) {
          return b.score - a.score || b.article - a.article || a.place - b.place;
        });
        return { manifest: manifest, hits: hits };
      });
    });
  }

  /* The shown fields of the hits, as results. */
  function results(manifest, hits, phrase) {
    return Promise.all(hits.map(function (hit) {
      var key = "docs/" + Math.floor(hit.article / manifest.chunk_articles) + "-" +
        Math.floor(hit.place / manifest.chunk_docs);
      return indexFile(key).then(function (chunk) {
        // [url, title, documents] of the article; each document is
        // [by, date, text], and a comment adds its id.
        var article = chunk.articles[hit.article % manifest.chunk_articles];
        var d = article[2][hit.place % manifest.chunk_docs];
        var comment = d.length > 3;
        var result = { url: article[0] + (comment ? "#comment-" + d[3] : ""), title: article[1],
          by: d[0], date: d[1], text: d[2], comment: comment };
        result.phrase = phrase !== "" && (" " + terms(result.title + " " + result.text).join(" ") + " ")
          .indexOf(" " + phrase + " ") >= 0;
        return result;
      });
    })).then(function (shown) {
      // Exact phrase matches first, among the results loaded together.
      return shown.filter(function (r) { return r.phrase; })
        .concat(shown.filter(function (r) { return !r.phrase; }));
    });
  }

  function escapeRegExp(word) {
    return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* Appends `text` to `parent` with the query's words marked. */
  function appendMarked(parent, text, words) {
    var pattern = new RegExp("(?<![\\p{Alphabetic}\\p{N}])(" + words.map(escapeRegExp).join("|") +
      ")(?![\\p{Alphabetic}\\p{N}])", "giu");
    var at = 0;
    text.replace(pattern, function (match, word, offset) {
      parent.appendChild(document.createTextNode(text.slice(at, offset)));
      var mark = document.createElement("mark");
      mark.textContent = match;
      parent.appendChild(mark);
      at = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* About 200 characters of `text` around its first match. */
  function excerpt(text, words) {
    var pattern = new RegExp("(?<![\\p{Alphabetic}\\p{N}])(" + words.map(escapeRegExp).join("|") +
      ")(?![\\p{Alphabetic}\\p{N}])", "iu");
    var found = text.search(pattern);
    var start = found > 60 ? text.lastIndexOf(" ", found - 60) + 1 : 0;
    var end = Math.min(text.length, start + 200);
    if (end < text.length) {
      var space = text.lastIndexOf(" ", end);
      end = space > start ? space : end;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function resultItem(result, words) {
    var item = document.createElement("li");
    item.className = "search-result" + (result.comment ? " search-result-comment" : "");
    var heading = document.createElement("h2");
    heading.className = "search-result-title";
    var link = document.createElement("a");
    link.href = root + result.url;
    link.textContent = result.title;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    var who = result.comment ? "comment by " + result.by : result.by ? "by " + result.by : "";
    meta.textContent = who + (who ? " · " : "") + result.date;
    var text = document.createElement("p");
    text.className = "search-result-excerpt";
    appendMarked(text, excerpt(result.text, words), words);
    item.appendChild(heading);
    item.appendChild(meta);
    item.appendChild(text);
    return item;
  }

  var form = document.querySelector("form[role=search]");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var current = 0;

  function show(query) {
    var run = ++current;
    var words = terms(query);
    var unique = words.filter(function (w, i) { return words.indexOf(w) === i; });
    list.textContent = "";
    more.hidden = true;
    if (!unique.length) {
      status.textContent = query.trim() ? "Type letters or digits to search." : "";
      return;
    }
    status.textContent = "Searching…";
    lookUp(unique).then(function (found) {
      if (run !== current) {
        return; // a newer query owns the page and its button
      }
      var shownCount = 0;
      function nextPage() {
        var page = found.hits.slice(shownCount, shownCount + PAGE_SIZE);
        // Counted now, so that a second click loads the next page, not this one.
        shownCount += page.length;
        more.disabled = true;
        return results(found.manifest, page, words.length > 1 ? words.join(" ") : "").then(function (shown) {
          if (run !== current) {
            return;
          }
          shown.forEach(function (r) { list.appendChild(resultItem(r, unique)); });
          more.disabled = false;
          var total = found.hits.length;
          status.textContent = total === 0 ? "No results for “" + query + "”." :
            (total === 1 ? "1 result" : total + " results") + " for “" + query + "”" +
            (shownCount < total ? ", " + shownCount + " shown." : ".");
          more.hidden = shownCount >= total;
        });
      }
      more.onclick = function () { nextPage().catch(fail); };
      return nextPage();
    }).catch(fail);

    function fail(error) {
      if (run === current) {
        status.textContent = "Search failed: " + error.message;
      }
    }
  }

  if (!form || !input || !status || !list || !more) {
    return;
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try {
      window.history.pushState(null, "", url.href);
    } catch (e) {
      // Some browsers refuse to change a file:// address; the search still runs.
    }
    show(input.value);
  });
  window.addEventListener("popstate", function () {
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    show(input.value);
  });
})();
{% endraw %}
