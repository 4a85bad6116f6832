"""PostgreSQL going away while the app serves: a translated 503 on every page, never a 500, and the
pages come back by themselves when the server answers again (no restart of the app).

The server is "stopped" by cutting the network between the app and PostgreSQL: the app reaches it
through a TCP relay in this test, which closes its listening socket and every open connection (what
the app sees when a server stops or restarts: refused connections, and pooled ones that die), then
listens again on the same port. Runs on PostgreSQL (CI's second pass)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from app.extensions import db
from app.posts.models import Vote

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"), reason="needs DATABASE_URL on PostgreSQL"
)


class Relay:
    """Forwards 127.0.0.1:<port> to the database server until cut; `resume()` listens on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.resume()

    def resume(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            doomed, self._sockets = [self._listener, *self._sockets], []
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def relay(_schema):
    url = make_url(_schema["url"])
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    yield relay
    relay.cut()


@pytest.fixture
def app_config(app_config, relay, _schema):
    url = make_url(_schema["url"]).set(host="127.0.0.1", port=relay.port)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return app_config | {"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)}


def test_a_stopped_server_is_a_translated_503_and_pages_come_back_with_it(app, client, auth, make, relay):
    post_id, resident = make.post().id, make.user()
    assert client.get(f"/posts/{post_id}").status_code == 200
    auth.login(resident)
    relay.cut()  # pooled connections die, new ones are refused
    for path in ("/", "/posts", f"/posts/{post_id}", "/search?q=x", "/statistics"):
        response = client.get(path)
        assert response.status_code == 503, path
        page = response.get_data(as_text=True)
        assert "پایگاه داده" in page and "Traceback" not in page, path  # Persian, the default language
    assert client.post(f"/posts/{post_id}/vote", data={"value": "1"}).status_code == 503  # a signed-in write
    relay.resume()
    assert client.get(f"/posts/{post_id}").status_code == 200  # the same app, no restart
    assert client.post(f"/posts/{post_id}/vote", data={"value": "1"}).status_code == 302
    assert db.session.query(Vote).filter_by(post_id=post_id).count() == 1
    db.session.remove()
    db.engine.dispose()
